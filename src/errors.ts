// The base of every typed Trellis error, in viem's style: a short message, details, a literal name.

export class TrellisError extends Error {
  override name = "TrellisError";
  readonly shortMessage: string;
  readonly details: string[];
  constructor(shortMessage: string, details: string[] = []) {
    super(details.length ? `${shortMessage}\n${details.map((d) => `  - ${d}`).join("\n")}` : shortMessage);
    this.shortMessage = shortMessage;
    this.details = details;
  }
}
