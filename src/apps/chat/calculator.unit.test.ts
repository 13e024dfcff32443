import { describe, expect, test } from 'vitest';
import { calculate, CalculatorError, formatNumber, MAX_DEPTH, MAX_EXPRESSION_LENGTH } from './calculator';

const refuses = (expr: string, message: RegExp) => {
  expect(() => calculate(expr)).toThrow(CalculatorError);
  expect(() => calculate(expr)).toThrow(message);
};

describe('the calculator parser', () => {
  test('numbers: integers, decimals, exponents', () => {
    expect(calculate('42')).toBe(42);
    expect(calculate('3.25')).toBe(3.25);
    expect(calculate('.5')).toBe(0.5);
    expect(calculate('2.')).toBe(2);
    expect(calculate('1e3')).toBe(1000);
    expect(calculate('2.5E-2')).toBe(0.025);
  });

  test('precedence: * and / before + and -, ^ before both, left to right otherwise', () => {
    expect(calculate('1 + 2 * 3')).toBe(7);
    expect(calculate('10 - 4 - 3')).toBe(3);
    expect(calculate('24 / 4 / 3')).toBe(2);
    expect(calculate('2 * 3 ^ 2')).toBe(18);
    expect(calculate('2 ^ 3 ^ 2')).toBe(512); // right-associative
    expect(calculate('1 + 6 / 2 * 3 - 4')).toBe(6);
  });

  test('parentheses override precedence and nest', () => {
    expect(calculate('(1 + 2) * 3')).toBe(9);
    expect(calculate('((2))')).toBe(2);
    expect(calculate('2 * (3 + (4 - 1)) / 3')).toBe(4);
    expect(calculate('(2 ^ 3) ^ 2')).toBe(64);
  });

  test('unary minus and plus: -2^2 is -(2^2), signs stack, exponents may be negative', () => {
    expect(calculate('-3')).toBe(-3);
    expect(calculate('-2 ^ 2')).toBe(-4);
    expect(calculate('(-2) ^ 2')).toBe(4);
    expect(calculate('2 ^ -1')).toBe(0.5);
    expect(calculate('--3')).toBe(3);
    expect(calculate('+3 - -2')).toBe(5);
    expect(calculate('4 * -(1 + 1)')).toBe(-8);
  });

  test('whitespace is ignored', () => {
    expect(calculate('  1+\t2 *\n3 ')).toBe(7);
  });

  test('division by zero is an error, also as a negative power of zero', () => {
    refuses('1 / 0', /Division by zero/);
    refuses('5 / (2 - 2)', /Division by zero/);
    refuses('0 ^ -1', /Division by zero/);
  });

  test('results that are not finite real numbers are errors', () => {
    refuses('(-8) ^ 0.5', /not a real number/);
    refuses('10 ^ 400', /too large/);
  });

  test('garbage is an error in words, never evaluated as code', () => {
    refuses('', /empty/);
    refuses('   ', /empty/);
    refuses('1 +', /ends too early/);
    refuses('2 * * 3', /Unexpected "\*"/);
    refuses('(1 + 2', /Missing "\)"/);
    refuses('1 + 2)', /Unexpected "\)" at position 6/);
    refuses('alert(1)', /Unexpected "a" at position 1/);
    refuses('Math.PI', /Unexpected "M"/);
    refuses('1; 2', /Unexpected ";"/);
    refuses('0x10', /Unexpected "x"/);
    refuses('2 ** 3', /Unexpected "\*"/);
    refuses('1,5', /Unexpected ","/);
    expect(() => calculate(42 as unknown as string)).toThrow(CalculatorError);
  });

  test('long and deeply nested input is refused, within bounds it is fine', () => {
    const long = `1${'+1'.repeat(MAX_EXPRESSION_LENGTH)}`;
    refuses(long, new RegExp(`longer than ${MAX_EXPRESSION_LENGTH} characters`));
    expect(calculate(`1${'+1'.repeat(Math.floor((MAX_EXPRESSION_LENGTH - 1) / 2))}`)).toBe(100);
    refuses(`${'('.repeat(MAX_DEPTH + 1)}1${')'.repeat(MAX_DEPTH + 1)}`, /nested more than/);
    expect(calculate(`${'('.repeat(MAX_DEPTH)}1${')'.repeat(MAX_DEPTH)}`)).toBe(1);
    refuses(`${'-'.repeat(MAX_DEPTH + 1)}1`, /nested more than/);
  });

  test('results are formatted without floating-point noise', () => {
    expect(formatNumber(calculate('0.1 + 0.2'))).toBe('0.3');
    expect(formatNumber(calculate('1 / 3'))).toBe('0.333333333333333');
    expect(formatNumber(calculate('2 ^ 10'))).toBe('1024');
    expect(formatNumber(calculate('-7 / 2'))).toBe('-3.5');
  });
});
