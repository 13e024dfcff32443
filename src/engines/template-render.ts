/**
 * Chat-template rendering with @huggingface/jinja, bounded. A chat template comes from the model file,
 * so it is untrusted code: one that loops (`{% for a in range(10**6) %}{% for b in range(10**6) %}…`)
 * would hold the engine worker forever. Jinja has no `while`, so every loop walks a list, and the
 * interpreter evaluates every node through `Interpreter.prototype.evaluate` and sets each loop variable
 * through `Environment.prototype.setVariable`. The library has no hooks, so those are wrapped (once, in
 * the worker that imports this module) to count steps and check the clock and the size of every string
 * and list a node returns, and `range()` is replaced by one that refuses long lists before building them. A render over `templateSteps`, `templateMs`,
 * `templateChars` or `templateItems` (see `protocol/constraint-limits.ts`) stops with an
 * `InvalidRequestError` naming the limit, well within a second.
 *
 * What this cannot bound: a single library call that is itself huge (`indent(10**8)` builds its string
 * before returning), and templates rendered by llama.cpp itself (wllama's unconstrained chat path) — the
 * kernel's watchdog and hard kill reclaim a worker wedged there.
 */
import { Environment, Interpreter, Template } from '@huggingface/jinja';
import { InvalidRequestError, LlmOsError } from '../errors';
import { CONSTRAINT_LIMITS, limitExceeded, type ConstraintLimit } from '../protocol/constraint-limits';
import type { ChatMessage, ToolDefinition } from '../protocol/engine';
import { toolJson } from '../constraints/tool-calls';

/** The budget of the render in progress (rendering is synchronous: one at a time per worker). */
class Budget {
  steps = 0;
  private readonly start = performance.now();
  private tripped: InvalidRequestError | null = null;

  private trip(limit: ConstraintLimit, value: number): never {
    this.tripped ??= limitExceeded(limit, value, 'Rendering the chat template', 'messages');
    throw this.tripped;
  }

  step(): void {
    // Once tripped, every later step throws again: nothing in the template can swallow it for long.
    if (this.tripped) throw this.tripped;
    if (++this.steps > CONSTRAINT_LIMITS.templateSteps) this.trip('templateSteps', this.steps);
    if ((this.steps & 1023) === 0) {
      const ms = Math.round(performance.now() - this.start);
      if (ms > CONSTRAINT_LIMITS.templateMs) this.trip('templateMs', ms);
    }
  }

  /** Strings and lists a node evaluated to (the output is the outermost string). */
  check(value: unknown): void {
    const v = (value as { value?: unknown } | null)?.value;
    if (typeof v === 'string' && v.length > CONSTRAINT_LIMITS.templateChars) this.trip('templateChars', v.length);
    if (Array.isArray(v) && v.length > CONSTRAINT_LIMITS.templateItems) this.trip('templateItems', v.length);
  }

  range(start: number, stop?: number, step = 1): number[] {
    if (stop === undefined) [start, stop] = [0, start];
    if (![start, stop, step].every(Number.isFinite) || step === 0) throw new Error('range() needs finite numbers and a non-zero step');
    const n = Math.max(0, Math.ceil((stop - start) / step));
    if (n > CONSTRAINT_LIMITS.templateItems) this.trip('templateItems', n);
    return Array.from({ length: n }, (_, i) => start + i * step);
  }
}

let active: Budget | null = null;
const WRAPPED = Symbol.for('llmos.boundedJinja');

type Evaluate = (this: unknown, statement: unknown, environment: unknown) => unknown;

type SetVariable = (this: unknown, name: string, value: unknown) => unknown;
type EnvProto = { set: SetVariable; setVariable: SetVariable };

/**
 * Wrap `Interpreter.prototype.evaluate` and `Environment.prototype.set` once per realm (both are no-ops
 * outside `renderBounded`). `set` is how `Template.render` declares the globals, `range` among them;
 * a template cannot redeclare it, so `range` is swapped as it is declared.
 */
function install(): void {
  const proto = Interpreter.prototype as unknown as { evaluate: Evaluate; [WRAPPED]?: true };
  const envProto = Environment.prototype as unknown as EnvProto;
  if (proto[WRAPPED]) return;
  const { evaluate } = proto;
  const { set, setVariable } = envProto;
  if (![evaluate, set, setVariable].every((f) => typeof f === 'function')) throw new Error('@huggingface/jinja changed: cannot bound template rendering');
  proto.evaluate = function boundedEvaluate(statement, environment) {
    const budget = active;
    budget?.step();
    const value = evaluate.call(this, statement, environment);
    budget?.check(value);
    return value;
  };
  envProto.set = function boundedSet(name, value) {
    const budget = active;
    return set.call(this, name, name === 'range' && budget ? (a: number, b?: number, c?: number) => budget.range(a, b, c) : value);
  };
  // A loop sets its variables once per iteration, even when its body evaluates nothing: count those too.
  envProto.setVariable = function boundedSetVariable(name, value) {
    active?.step();
    return setVariable.call(this, name, value);
  };
  proto[WRAPPED] = true;
}

/** Render `template` with `context`, within the render limits. */
export function renderBounded(template: Template, context: Record<string, unknown>): string {
  install();
  const budget = new Budget();
  const outer = active;
  active = budget;
  try {
    return template.render(context);
  } finally {
    active = outer;
  }
}

const parsed = new Map<string, Template>();

/** A parsed template, cached (one model's template is rendered for every request). */
export function parseTemplate(source: string): Template {
  let t = parsed.get(source);
  if (!t) {
    t = new Template(source);
    if (parsed.size >= 4) parsed.clear();
    parsed.set(source, t);
  }
  return t;
}

/** A JSON text as a value (templates write `arguments | tojson`), or the text when it is not JSON. */
function jsonValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A message as Hugging Face chat templates read it: OpenAI's field names for tool calls and results. */
function templateMessage(m: ChatMessage): Record<string, unknown> {
  return {
    role: m.role,
    content: m.content,
    ...(m.toolCalls?.length ? {
      tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: jsonValue(c.arguments) } })),
    } : {}),
    ...(m.toolCallId !== undefined ? { tool_call_id: m.toolCallId } : {}),
    ...(m.name !== undefined ? { name: m.name } : {}),
  };
}

/**
 * Render a conversation through a chat template, ending with the assistant's turn opened. A template
 * over a render limit is that `InvalidRequestError`; one that fails otherwise (`raise_exception`, a
 * syntax it does not support at run time) is an `InvalidRequestError` saying the template rejected them.
 */
export function renderChatTemplate(
  template: Template, messages: ChatMessage[], bosToken: string, eosToken: string, tools?: readonly ToolDefinition[],
): string {
  try {
    return renderBounded(template, {
      messages: messages.map(templateMessage),
      ...(tools?.length ? { tools: tools.map(toolJson) } : {}),
      add_generation_prompt: true,
      bos_token: bosToken,
      eos_token: eosToken,
    });
  } catch (e) {
    if (e instanceof LlmOsError) throw e;
    throw new InvalidRequestError(`The chat template rejected these messages: ${e instanceof Error ? e.message : String(e)}`, {});
  }
}
