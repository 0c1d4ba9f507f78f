// Node module hooks: the bare specifier 'electron' resolves to the double, from anywhere.
const double = new URL('./index.ts', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  // Through the next resolvers (tsx's among them), so the TypeScript file is loaded as TypeScript.
  if (specifier === 'electron') return nextResolve(double, context);
  return nextResolve(specifier, context);
}
