// llm_guardrail ships no type declarations; these are the calls the screening bench makes (see its README).
declare module 'llm_guardrail' {
  export interface GuardrailResult {
    allowed: boolean;
    detected: boolean;
    prediction: number;
    confidence: number;
    probabilities: { safe: number; threat: number };
  }
  export function checkInjection(prompt: string): Promise<GuardrailResult>;
  export function checkJailbreak(prompt: string): Promise<GuardrailResult>;
}
