// One transaction's life for the UI: signing, pending (hash), confirmed, or failed with the named revert.
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useConfig } from "wagmi";
import { waitForTransactionReceipt } from "wagmi/actions";
import { BaseError, type Hash } from "viem";
import { decodeRevert } from "../../../src/chain/errors.js";
import { useSymbolOf } from "../context.js";
import { revertInWords } from "../revertWords.js";

export type TxState =
  | { status: "idle" }
  | { status: "signing"; label: string }
  | { status: "pending"; label: string; hash: Hash }
  | { status: "confirmed"; label: string; hash: Hash }
  | { status: "failed"; label: string; message: string; errorName?: string };

export function useTx() {
  const config = useConfig();
  const queryClient = useQueryClient();
  const symbolOf = useSymbolOf();
  const [state, setState] = useState<TxState>({ status: "idle" });
  const run = async (label: string, send: () => Promise<Hash>): Promise<boolean> => {
    setState({ status: "signing", label });
    try {
      const hash = await send();
      setState({ status: "pending", label, hash });
      const receipt = await waitForTransactionReceipt(config, { hash });
      await queryClient.invalidateQueries();
      if (receipt.status !== "success") {
        setState({ status: "failed", label, message: "the transaction reverted on chain" });
        return false;
      }
      setState({ status: "confirmed", label, hash });
      return true;
    } catch (e) {
      const revert = decodeRevert(e);
      const message = revert ? revertInWords(revert, symbolOf) : e instanceof BaseError ? e.shortMessage : String((e as Error)?.message ?? e);
      setState({ status: "failed", label, message, ...(revert ? { errorName: revert.errorName } : {}) });
      return false;
    }
  };
  return { state, run, reset: () => setState({ status: "idle" }) };
}
