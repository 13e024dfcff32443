/**
 * @custom-elements-manifest/analyzer configuration: the embeddable elements (src/components/), the
 * elements library entry (src/embed/) and the public `<llmos-desktop>`. `npm run docs:elements` writes custom-elements.json and, from it,
 * docs/elements.md (scripts/elements-doc.mjs); test/docs/elements-doc.unit.test.ts fails when either is
 * stale. The `litelement` flag reads Lit properties in both spellings, `static properties = {…}` (with
 * `declare` fields) and `@property()` decorators; the plugin below adds what the analyzer does not know
 * about this project's elements.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root: globs are relative to it (the analyzer reads this file from its working directory). */
const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * - Lit *state* (`{ state: true }` or `@state()`) is no attribute, and a member marked `@internal` (or
 *   `@ignore`) stays out of the manifest even when `static properties` names it.
 * - Events are named by their class: `new LlmosTokenEvent(…)` fires `llmos-token` (the class's `static
 *   readonly type`), so an event found in the code and the one documented with `@event`/`@fires` are
 *   one entry, with its class as type; an event whose name cannot be known is dropped.
 * - A `customElements.define(tag, cls)` with a computed tag names no tag: dropped.
 */
function llmosElementsPlugin() {
  /** Event class name → the event's name, from the class's `static readonly type = '…'`. */
  const eventClasses = new Map();
  /** Class name → names of Lit state properties / of members documented as internal. */
  const stateProps = new Map();
  const internalMembers = new Map();
  const add = (map, key, value) => map.set(key, (map.get(key) ?? new Set()).add(value));
  const hasTag = (node, ts, ...tags) => ts.getJSDocTags(node).some((t) => tags.includes(t.tagName.text));
  const isStatic = (member, ts) => member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);

  return {
    name: 'llmos-elements',
    initialize() {
      for (const map of [eventClasses, stateProps, internalMembers]) map.clear();
    },
    collectPhase({ ts, node }) {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      const extendsEvent = node.heritageClauses?.some((h) => h.types.some((t) => t.expression.getText() === 'Event'));
      if (!extendsEvent) return;
      const typeMember = node.members.find((m) => ts.isPropertyDeclaration(m) && isStatic(m, ts) && m.name.getText() === 'type');
      if (!typeMember?.initializer || !ts.isStringLiteral(typeMember.initializer)) return;
      eventClasses.set(node.name.text, typeMember.initializer.text);
    },
    analyzePhase({ ts, node }) {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      const cls = node.name.text;
      for (const member of node.members) {
        const name = member.name?.getText();
        if (!name) continue;
        if (hasTag(member, ts, 'internal', 'ignore')) add(internalMembers, cls, name);
        if (ts.getDecorators?.(member)?.some((d) => /^state\b/.test(d.expression.getText()))) add(stateProps, cls, name);
        if (name === 'properties' && isStatic(member, ts) && member.initializer && ts.isObjectLiteralExpression(member.initializer)) {
          for (const prop of member.initializer.properties) {
            if (!ts.isPropertyAssignment(prop) || !ts.isObjectLiteralExpression(prop.initializer)) continue;
            const state = prop.initializer.properties.some((o) => o.name?.getText() === 'state' && o.initializer?.kind === ts.SyntaxKind.TrueKeyword);
            if (state) add(stateProps, cls, prop.name.getText());
          }
        }
      }
    },
    moduleLinkPhase({ moduleDoc }) {
      for (const decl of moduleDoc.declarations ?? []) {
        if (decl.kind !== 'class') continue;
        const internal = internalMembers.get(decl.name) ?? new Set();
        const state = stateProps.get(decl.name) ?? new Set();
        if (decl.members) {
          decl.members = decl.members.filter((m) => !internal.has(m.name));
          for (const m of decl.members) if (state.has(m.name)) delete m.attribute;
        }
        if (decl.attributes) decl.attributes = decl.attributes.filter((a) => !internal.has(a.fieldName) && !state.has(a.fieldName));
        if (decl.events) {
          const byName = new Map();
          // Documented events (`@event`, in JSDoc order) first, then those only found in the code.
          for (const e of [...decl.events.filter((x) => x.description), ...decl.events.filter((x) => !x.description)]) {
            // From the code: `{ name: <first argument, if a literal>, type: <class> }`; from JSDoc: name and description.
            const fromClass = eventClasses.get(e.type?.text);
            const name = fromClass ?? (e.description ? e.name : undefined);
            if (!name) continue;
            const earlier = byName.get(name);
            byName.set(name, { ...earlier, ...e, name, ...(earlier?.description ? { description: earlier.description } : {}) });
          }
          const classOf = new Map([...eventClasses].map(([cls, name]) => [name, cls]));
          decl.events = [...byName.values()].map((e) => (classOf.has(e.name) ? { ...e, type: { text: classOf.get(e.name) } } : e));
        }
      }
      moduleDoc.exports = moduleDoc.exports?.filter((x) => x.kind !== 'custom-element-definition' || x.name.includes('-'));
    },
  };
}

export default {
  globs: ['src/components/**/*.ts', 'src/embed/*.ts', 'src/desktop/llmos-desktop/llmos-desktop.ts', 'src/desktop/llmos-desktop/define.ts'],
  exclude: ['**/*.test.ts', '**/*.styles.ts', '**/testing/**'],
  outdir: '.',
  litelement: true,
  packagejson: false,
  quiet: true,
  plugins: [llmosElementsPlugin()],
  /** As the analyzer does, but in sorted order: the manifest must not depend on the file system's listing order. */
  overrideModuleCreation({ ts, globs }) {
    return [...globs].sort().map((file) => ts.createSourceFile(file, readFileSync(root + file, 'utf8'), ts.ScriptTarget.ES2015, true));
  },
};
