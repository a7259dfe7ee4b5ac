import { useEffect, useState } from "react";
import type { DuplicateCandidate } from "../../../../shared/api";
import type { IncidentType } from "../../../../shared/domain";
import { PhoneNumber } from "../../../../shared/schemas";
import { api } from "../../api/client";

export interface DuplicateInput {
  lat: number;
  lng: number;
  incidentType: IncidentType;
  callerNumber: string;
  address: string;
}

/**
 * The pre-submit duplicate query, debounced while the dispatcher types. Stale answers are dropped. "Checking" is
 * derived (an input whose answer has not arrived), never a flag: a check cancelled by a submit or a cleared form
 * cannot leave it set.
 */
export function useDuplicates(input: DuplicateInput | null, delayMs = 350) {
  const [answer, setAnswer] = useState<{ key: string; duplicates: DuplicateCandidate[] }>({ key: "", duplicates: [] });
  const key = input ? JSON.stringify(input) : "";
  useEffect(() => {
    if (!input) {
      // A cleared form forgets the last answer: the next call must not show the previous call's candidates.
      setAnswer({ key: "", duplicates: [] });
      return;
    }
    let current = true;
    const timer = window.setTimeout(() => {
      const callerNumber = PhoneNumber.safeParse(input.callerNumber).success ? input.callerNumber.trim() : undefined;
      const address = input.address.trim() || undefined;
      api
        .findDuplicates({
          lat: input.lat,
          lng: input.lng,
          incidentType: input.incidentType,
          ...(callerNumber ? { callerNumber } : {}),
          ...(address ? { address } : {}),
        })
        .then((result) => {
          if (current) setAnswer({ key, duplicates: result.duplicates });
        })
        .catch(() => {
          if (current) setAnswer({ key, duplicates: [] });
        });
    }, delayMs);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [key]);
  if (key === "") return { duplicates: [] as DuplicateCandidate[], checking: false };
  // While a new answer is on its way the previous candidates stay (no flicker), marked as being re-checked.
  return { duplicates: answer.duplicates, checking: answer.key !== key };
}
