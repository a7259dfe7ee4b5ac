// Fireground decisions, command and the water-use guard: the vocabulary and the pure rules both sides apply
// (field background: DOMAIN.md "Tactical vocabulary", "Fire classes and agents", "Decisions and the law").
// No zod here: the login shell and the crew tablet import these lists, and zod would ride along into their
// first load (issue 12). The lists' schemas (`IncidentType`, `DecisionType`, ...) are in schemas.ts.

/** Decision types; NERIS_ACTION_TACTIC below gives the NERIS code each one maps onto. */
export const DECISION_TYPES = [
  "strategy_offensive",
  "strategy_defensive",
  "strategy_transitional",
  "exposure_protection",
  "demolition_firebreak",
  "forcible_entry",
  "ventilation",
  "agent_nozzle",
  "water_withheld",
  "evacuation",
  "neighbouring_property",
  "utilities_cut",
  "other",
] as const;
export type DecisionType = (typeof DECISION_TYPES)[number];

/**
 * The NERIS v1 action/tactic code (value set TypeActionTacticValue) a decision maps onto: `exact` when it is a full
 * code, otherwise the category prefix (the tablet does not ask for the sub-code, e.g. horizontal or vertical
 * ventilation). `null` where NERIS has no code: the reason is exactly what NERIS leaves to its free-text narratives.
 */
export const NERIS_ACTION_TACTIC: Record<DecisionType, { code: string; exact: boolean } | null> = {
  strategy_offensive: { code: "SUPPRESSION||STRUCTURAL_FIRE_SUPPRESSION||INTERIOR", exact: true },
  strategy_defensive: { code: "SUPPRESSION||STRUCTURAL_FIRE_SUPPRESSION||EXTERIOR", exact: true },
  strategy_transitional: { code: "SUPPRESSION||STRUCTURAL_FIRE_SUPPRESSION||EXTERIOR_AND_INTERIOR", exact: true },
  // NERIS v1 has structure protection only for outside fires; nothing for sacrificing part of a building.
  exposure_protection: null,
  demolition_firebreak: null,
  forcible_entry: { code: "FORCIBLE_ENTRY", exact: true },
  ventilation: { code: "VENTILATION", exact: false },
  agent_nozzle: { code: "SUPPRESSION", exact: false },
  water_withheld: null,
  evacuation: { code: "PROVIDE_EVACUATION_SUPPORT", exact: false },
  neighbouring_property: null,
  utilities_cut: null,
  other: null,
};

/** NERIS code for "command established" (incident.command). */
export const NERIS_ESTABLISH_COMMAND = "COMMAND_AND_CONTROL||ESTABLISH_INCIDENT_COMMAND";

export const STRATEGIES = ["offensive", "defensive", "transitional"] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** The strategy a decision type sets, if it is a strategy decision. */
export function strategyOf(type: DecisionType): Strategy | null {
  switch (type) {
    case "strategy_offensive":
      return "offensive";
    case "strategy_defensive":
      return "defensive";
    case "strategy_transitional":
      return "transitional";
    default:
      return null;
  }
}

/** Reasons to tick: what a resident will later ask about, in the commander's own categories. */
export const DECISION_FACTORS = [
  "life_at_risk",
  "exposure",
  "collapse_risk",
  "fire_spread",
  "water_supply",
  "crew_safety",
  "hazardous_material",
  "fire_class",
  "water_damage_avoided",
] as const;
export type DecisionFactor = (typeof DECISION_FACTORS)[number];

/** Fire Protection Law of the PRC (2021) art. 45: the commander's powers that may owe compensation. */
export const LEGAL_BASES = [
  "art45_use_neighbouring_property",
  "art45_demolish_or_breach",
  "art45_cut_utilities",
  "art45_evacuate",
] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

/** The power a decision type usually rests on, offered first on the tablet (never assumed by the server). */
export const SUGGESTED_LEGAL_BASIS: Partial<Record<DecisionType, LegalBasis>> = {
  demolition_firebreak: "art45_demolish_or_breach",
  exposure_protection: "art45_demolish_or_breach",
  neighbouring_property: "art45_use_neighbouring_property",
  utilities_cut: "art45_cut_utilities",
  evacuation: "art45_evacuate",
};

/** ICS positions a person in command (or recording for command) may hold. */
export const ICS_ROLES = [
  "incident_commander",
  "deputy_incident_commander",
  "operations_section_chief",
  "division_group_supervisor",
  "company_officer",
  "safety_officer",
] as const;
export type IcsRole = (typeof ICS_ROLES)[number];

/** GB/T 4968-2008: A solids, B liquids, C gases, D metals, E energised electrical, F cooking oils and fats. */
export const FIRE_CLASSES = ["A", "B", "C", "D", "E", "F"] as const;
export type FireClass = (typeof FIRE_CLASSES)[number];

export const AGENTS = ["water", "foam", "dry_powder", "co2", "wet_chemical", "special_powder", "other"] as const;
export type Agent = (typeof AGENTS)[number];

export const NOZZLE_PATTERNS = ["straight", "fog", "foam"] as const;
export type NozzlePattern = (typeof NOZZLE_PATTERNS)[number];

/** Classes on which a water jet is wrong: spreading (B), reaction (D), electrocution (E), boil-over (F). */
export const WATER_UNSAFE_CLASSES: readonly FireClass[] = ["B", "D", "E", "F"];

export const WATER_CONCERNS = ["water_on_class_b", "water_on_class_d", "water_on_class_e", "water_on_class_f", "water_without_flame"] as const;
export type WaterConcern = (typeof WATER_CONCERNS)[number];

/**
 * The water-use guard ("no water without visible flame"; choose the agent by fire class). Returns why a water
 * use needs a reason; empty when it does not. The tablet asks with this, and the server refuses with it.
 */
export function waterUseConcerns(use: { agent: Agent; fireClass: FireClass; flameVisible: boolean }): WaterConcern[] {
  if (use.agent !== "water") return [];
  const concerns: WaterConcern[] = [];
  if (WATER_UNSAFE_CLASSES.includes(use.fireClass)) {
    concerns.push(`water_on_class_${use.fireClass.toLowerCase()}` as WaterConcern);
  }
  if (!use.flameVisible) concerns.push("water_without_flame");
  return concerns;
}

/** A decision form as typed, on the tablet or at the console. */
export interface DecisionForm {
  decisionType: DecisionType | null;
  reason: string;
  factors: DecisionFactor[];
  publicCandidate: boolean;
  legalBasis: LegalBasis | null;
  property: string;
  owner: string;
  /** The evacuation radius in metres, as typed. */
  radius: string;
}

/** What a decision form sends: trimmed, empty fields left out; null until it holds a whole decision. */
export interface DecisionFormBody {
  decisionType: DecisionType;
  reason: string;
  factors: DecisionFactor[];
  publicCandidate: boolean;
  legalBasis?: LegalBasis;
  propertyAffected?: { description: string; owner?: string };
  evacuationRadiusM?: number;
}

/** The form's body, with the server's rules for a whole decision (a reason; an evacuation's radius, 1-100,000 m). */
export function decisionFromForm(form: DecisionForm): DecisionFormBody | null {
  const reason = form.reason.trim();
  const radiusM = Number.parseInt(form.radius, 10);
  if (form.decisionType === null || reason === "") return null;
  const evacuation = form.decisionType === "evacuation";
  if (evacuation && !(Number.isInteger(radiusM) && radiusM >= 1 && radiusM <= 100_000)) return null;
  const property = form.property.trim();
  const owner = form.owner.trim();
  return {
    decisionType: form.decisionType,
    reason,
    factors: form.factors,
    publicCandidate: form.publicCandidate,
    ...(form.legalBasis ? { legalBasis: form.legalBasis } : {}),
    ...(property ? { propertyAffected: { description: property, ...(owner ? { owner } : {}) } } : {}),
    ...(evacuation ? { evacuationRadiusM: radiusM } : {}),
  };
}

/** Who was in command when something was decided, as the log had it. */
export interface CommanderRef {
  unitId: string;
  callSign: string;
  name: string;
  icsRole: IcsRole;
}

/** The commander a dispatcher records for when an order is radioed in. */
export interface RadioedFor {
  name: string;
  icsRole?: IcsRole;
  unitId?: string;
}
