import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * One home for every rule: a rule's sentence is written once, in shared/domain, and every other
 * place calls the rule. This collects the sentences of the rules (the text of every `refusal(...)`
 * call in shared/domain and of every function there that answers a Refusal) and fails when a
 * piece of one is written out in a second non-test source file: a copy that would drift.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const DOMAIN = 'shared/domain/';
/** Code only: a README may quote a message; a test must. */
const SOURCE = /\.(ts|tsx|js|mjs|cjs|sql|html)$/;
const NOT_SOURCE = /(^|\/)(test|node_modules|out|dist|release)\/|\.(test|spec)\.(ts|tsx)$|\.fixture\.ts$|(^|\/)\.eslint\//;

/** A rule's sentence as written in one string or template: its literal parts, interpolations left out. */
export interface RuleMessage {
  parts: string[];
}

/** Long enough to be recognised as this rule's sentence: at least three words and 16 characters in all. */
export function isDistinctive(parts: readonly string[]): boolean {
  const text = parts.join(' ').trim();
  return text.length >= 16 && text.split(/\s+/).length >= 3;
}

/** The literal parts of a string or template that carry words (not the ", " or "." between interpolations). */
function literalParts(node: ts.Node): string[] | null {
  let parts: string[];
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) parts = [node.text];
  else if (ts.isTemplateExpression(node)) parts = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)];
  else return null;
  return parts.map((part) => part.trim()).filter((part) => /[A-Za-z]{2}/.test(part));
}

function messagesIn(node: ts.Node, found: RuleMessage[]): void {
  const parts = literalParts(node);
  if (parts !== null && isDistinctive(parts)) found.push({ parts });
  node.forEachChild((child) => messagesIn(child, found));
}

function answersRefusal(node: ts.Node): node is ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression | ts.MethodDeclaration {
  const isFunction = ts.isFunctionDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node);
  return isFunction && node.type !== undefined && /\bRefusal\b/.test(node.type.getText());
}

/** The messages of one shared/domain module: in functions that answer a Refusal, and in refusal(...) calls. */
export function ruleMessages(fileName: string, source: string): RuleMessage[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: RuleMessage[] = [];
  const visit = (node: ts.Node): void => {
    if (answersRefusal(node) && node.body !== undefined) messagesIn(node.body, found);
    else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'refusal') {
      for (const argument of node.arguments.slice(1)) messagesIn(argument, found);
    }
    node.forEachChild(visit);
  };
  visit(file);
  const unique = new Map(found.map((message) => [message.parts.join('…'), message]));
  return [...unique.values()];
}

export interface Duplicate {
  message: string;
  files: string[];
}

/** A part as a whole-word pattern: "one of these roles" is not found in "none of these roles". */
function partPattern(part: string): RegExp {
  const escaped = part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${/^\w/.test(part) ? '(?<!\\w)' : ''}${escaped}${/\w$/.test(part) ? '(?!\\w)' : ''}`);
}

/** Each message whose every part is written in more than one of the files (path to content). */
export function duplicatedMessages(messages: readonly RuleMessage[], files: ReadonlyMap<string, string>): Duplicate[] {
  const duplicates: Duplicate[] = [];
  for (const message of messages) {
    const patterns = message.parts.map(partPattern);
    const holders = [...files].filter(([, content]) => patterns.every((pattern) => pattern.test(content))).map(([path]) => path);
    if (holders.length > 1) duplicates.push({ message: message.parts.join(' … '), files: holders });
  }
  return duplicates;
}

/** Every source file git knows of (tracked, or new and not ignored), tests left out. */
function sourceFiles(): Map<string, string> {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  const files = new Map<string, string>();
  for (const path of new Set(listed.split('\n'))) {
    if (!SOURCE.test(path) || NOT_SOURCE.test(path)) continue;
    try {
      files.set(path, readFileSync(join(ROOT, path), 'utf8'));
    } catch {
      // Listed by git but deleted in the working tree.
    }
  }
  return files;
}

describe('every rule message lives in one file', () => {
  const files = sourceFiles();
  const domain = [...files].filter(([path]) => path.startsWith(DOMAIN));
  const messages = domain.flatMap(([path, content]) => ruleMessages(path, content));

  it('collects the messages of the shared rules', () => {
    expect(messages.length).toBeGreaterThan(25);
    const texts = messages.map((message) => message.parts.join(' … '));
    for (const expected of [
      'needs another active … first: give someone … , then',
      'has not accepted the invitation yet: resend the invitation instead.',
      'already has an account in this organization.',
      'is assigned to … user … : unassign it from everyone first, then delete it.',
      'ending in … is the default payment method. Set another payment method as the default first, then remove this one.',
    ]) {
      expect(texts).toContain(expected);
    }
  });

  it('finds none of them written out in a second non-test file', () => {
    const duplicates = duplicatedMessages(messages, files);
    expect(duplicates, duplicates.map((d) => `"${d.message}" in ${d.files.join(', ')}`).join('\n')).toEqual([]);
  });

  it('would catch a copy, in a template or a plain string, and tells a copy from a shared phrase', () => {
    const rule = "export function r(): Refusal | null { return refusal('LAST_ADMIN', `${org} needs another active ${role} first: give ${who} the role.`); }";
    const found = ruleMessages('shared/domain/x.ts', rule);
    expect(found).toEqual([{ parts: ['needs another active', 'first: give', 'the role.'] }]);
    const planted = new Map([
      ['shared/domain/x.ts', rule],
      ['renderer/src/copy.tsx', 'const why = `${org.name} needs another active Administrator first: give someone the role.`;'],
      ['service/phrase.ts', "const other = 'It needs another active session.'; // first: give nothing"],
      ['service/word.ts', "const w = 'none of these roles needs another active first: give them the roles.';"],
    ]);
    expect(duplicatedMessages(found, planted)).toEqual([
      { message: 'needs another active … first: give … the role.', files: ['shared/domain/x.ts', 'renderer/src/copy.tsx'] },
    ]);
    expect(isDistinctive(['then'])).toBe(false);
  });
});
