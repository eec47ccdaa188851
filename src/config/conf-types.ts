/** The parsed form of an Asterisk-style .conf file (see conf-parser.ts). */

export interface ConfEntry {
  readonly key: string;
  readonly value: string;
  /** `=` or `=>` (Asterisk treats them alike; extensions.conf uses `=>` by convention). */
  readonly op: '=' | '=>';
  readonly file: string;
  readonly line: number;
}

export interface ConfSection {
  readonly name: string;
  /** `[name](!)`: a template, not a real object. */
  readonly isTemplate: boolean;
  /** Templates this section inherits from, `[name](tmpl1,tmpl2)`, in order. */
  readonly templates: readonly string[];
  /** Entries in file order; entries inherited from templates come first, in template order. Repeated keys repeat. */
  readonly entries: readonly ConfEntry[];
}

export interface ConfError {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface ConfFile {
  /** Sections in file order; a section name may appear more than once (Asterisk appends to it). */
  readonly sections: readonly ConfSection[];
  readonly errors: readonly ConfError[];
}
