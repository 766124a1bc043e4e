import { describe, expect, it } from 'vitest';
import { parseDockerfile } from '../../../electron/builder/parser';
import { dumps, parseError } from './helpers';

const directivesOf = (text: string) => parseDockerfile(text).directives;

describe('parser directives', () => {
  it('defaults to a backslash escape and no syntax/check', () => {
    expect(directivesOf('FROM a\n')).toEqual({ escape: '\\' });
  });

  it('reads escape, syntax and check in any case and spacing', () => {
    expect(directivesOf('# syntax = docker/dockerfile:1\n#ESCAPE=`\n  #   Check=skip=all;error=true  \nFROM a\n')).toEqual({
      escape: '`',
      syntax: 'docker/dockerfile:1',
      check: 'skip=all;error=true',
    });
    expect(directivesOf('#escape=\\\nFROM a\n').escape).toBe('\\');
  });

  it('keeps inner spaces of a value and drops the surrounding ones', () => {
    expect(directivesOf('# syntax =  a b  \t\nFROM a\n').syntax).toBe('a b');
  });

  it('stops at the first line that is not a directive', () => {
    // An ordinary comment first.
    expect(directivesOf('# hello\n# escape=`\nFROM a\n').escape).toBe('\\');
    // A blank line first.
    expect(directivesOf('\n# escape=`\nFROM a\n').escape).toBe('\\');
    // An unknown directive name stops it too.
    expect(directivesOf('# foo=bar\n# escape=`\nFROM a\n').escape).toBe('\\');
    // After an instruction, a directive-looking line is just a comment.
    expect(directivesOf('FROM a\n# escape=`\n').escape).toBe('\\');
    // A directive followed by anything else is done: a later duplicate is only a comment.
    expect(directivesOf('# escape=`\n# note\n# escape=`\nFROM a\n').escape).toBe('`');
  });

  it('never turns directive lines into instructions', () => {
    expect(dumps('# escape=`\n# syntax=x\nFROM a\n')).toEqual(['(from "a")']);
    expect(parseDockerfile('# escape=`\n\nFROM a\n').nodes[0]?.range).toEqual({ start: 3, end: 3 });
  });

  it('rejects a repeated directive, naming its line', () => {
    const error = parseError('# syntax=a\n# escape=`\n# syntax=b\nFROM a\n');
    expect(error.message).toBe('only one syntax parser directive can be used');
    expect(error.range).toEqual({ start: 3, end: 3 });
    expect(parseError('#escape=\\\n# ESCAPE=`\nFROM a\n').message).toBe('only one escape parser directive can be used');
  });

  it('rejects escape tokens other than backslash and backtick', () => {
    const error = parseError('# escape=x\nFROM a\n');
    expect(error.message).toBe("invalid escape token 'x' does not match ` or \\");
    expect(error.range).toEqual({ start: 1, end: 1 });
    expect(parseError('# escape=\\\\\nFROM a\n').message).toBe("invalid escape token '\\\\' does not match ` or \\");
    // A value of blanks only keeps one blank (as BuildKit's regexp does), which is invalid.
    expect(parseError('# escape= \nFROM a\n').message).toBe("invalid escape token ' ' does not match ` or \\");
  });

  it('is not a directive without a value', () => {
    expect(directivesOf('# escape=\n# escape=`\nFROM a\n').escape).toBe('\\');
  });

  it('is not fooled by long runs of blanks', () => {
    const started = Date.now();
    expect(directivesOf(`# syntax=a${' '.repeat(60000)}b\nFROM a\n`).syntax).toBe(`a${' '.repeat(60000)}b`);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
