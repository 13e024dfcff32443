/**
 * The extraction output schema as a GBNF grammar, for engines that take a grammar but whose JSON-schema
 * path fails (wllama 3.13's `response_format` fails to initialise its sampler, see docs). It produces
 * JSON of the same shape as `EXTRACTION_SCHEMA`, which is still validated afterwards with ajv.
 */
import { MAX_TRIPLES } from './extraction-schema';

const field = (name: string, value: string) => `ws "\\"${name}\\"" ws ":" ws ${value}`;

/** GBNF for `{"triples":[{subject, subjectType?, predicate, object, objectType?, confidence?, evidence?}]}`. */
export const EXTRACTION_GBNF = [
  `root ::= "{" ${field('triples', 'triples')} ws "}"`,
  `triples ::= "[" ws ( triple ( ws "," ws triple ){0,${MAX_TRIPLES - 1}} )? ws "]"`,
  'triple ::= "{" ' + [
    field('subject', 'name'),
    `( ws "," ${field('subjectType', 'kind')} )?`,
    `ws "," ${field('predicate', 'pred')}`,
    `ws "," ${field('object', 'name')}`,
    `( ws "," ${field('objectType', 'kind')} )?`,
    `( ws "," ${field('confidence', 'conf')} )?`,
    `( ws "," ${field('evidence', 'text')} )?`,
  ].join(' ') + ' ws "}"',
  'name ::= "\\"" char{1,120} "\\""',
  'pred ::= "\\"" char{1,60} "\\""',
  'kind ::= "\\"" [a-z]{1,20} "\\""',
  'text ::= "\\"" char{0,400} "\\""',
  'char ::= [^"\\\\\\x7F\\x00-\\x1F] | "\\\\" (["\\\\/bfnrt] | "u" [0-9a-fA-F]{4})',
  'conf ::= "0" ( "." [0-9]{1,3} )? | "1" ( ".0" )?',
  'ws ::= [ \\t\\n]{0,2}',
].join('\n');
