/** https://no-color.org: colours only on a terminal, and not when NO_COLOR is set and non-empty. */
export function colorWanted(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  return isTTY && !env.NO_COLOR;
}
