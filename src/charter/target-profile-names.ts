/** The alignment targets a charter can name (DESIGN.md). */
export const targetProfileNames = ['if-last', 'if-next', 'if-ranked', 'cast', 'mixed'] as const;
export type TargetProfileName = (typeof targetProfileNames)[number];
