import type { z } from "zod";

/** One line naming each field a shared schema refused, for a form's error text. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
}
