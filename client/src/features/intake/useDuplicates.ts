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

/** The pre-submit duplicate query, debounced while the dispatcher types. Stale answers are dropped. */
export function useDuplicates(input: DuplicateInput | null, delayMs = 350) {
  const [duplicates, setDuplicates] = useState<DuplicateCandidate[]>([]);
  const [checking, setChecking] = useState(false);
  const key = input ? JSON.stringify(input) : "";
  useEffect(() => {
    if (!input) {
      setDuplicates([]);
      return;
    }
    let current = true;
    setChecking(true);
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
          if (current) setDuplicates(result.duplicates);
        })
        .catch(() => {
          if (current) setDuplicates([]);
        })
        .finally(() => {
          if (current) setChecking(false);
        });
    }, delayMs);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [key]);
  return { duplicates, checking };
}
