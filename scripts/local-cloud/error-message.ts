/** The message of a caught value (an Error's, or the value itself as text). */
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
