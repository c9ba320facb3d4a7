// Generated from grammar/parser.ts by grammar/cstTypes.ts; do not edit.
// Regenerate: ALIGN_ACCEPT=1 npx vitest run test/grammar/cst.test.ts
import type { CstNode, IToken } from "chevrotain";

export interface DocumentCstNode extends CstNode {
  name: "document";
  children: DocumentCstChildren;
}

export type DocumentCstChildren = {
  importDecl?: ImportDeclCstNode[];
  declaration?: DeclarationCstNode[];
  stray?: StrayCstNode[];
};

export interface StrayCstNode extends CstNode {
  name: "stray";
  children: StrayCstChildren;
}

export type StrayCstChildren = {
  block?: BlockCstNode[];
  list?: ListCstNode[];
  Stray?: IToken[];
};

export interface ImportDeclCstNode extends CstNode {
  name: "importDecl";
  children: ImportDeclCstChildren;
}

export type ImportDeclCstChildren = {
  Import: IToken[];
  StringLiteral: IToken[];
  As?: IToken[];
  alias?: IToken[];
};

export interface DeclarationCstNode extends CstNode {
  name: "declaration";
  children: DeclarationCstChildren;
}

export type DeclarationCstChildren = {
  kind: IToken[];
  name?: IToken[];
  Equals?: IToken[];
  variant?: IToken[];
  arguments?: ArgumentsCstNode[];
  block?: BlockCstNode[];
};

export interface BlockCstNode extends CstNode {
  name: "block";
  children: BlockCstChildren;
}

export type BlockCstChildren = {
  LBrace: IToken[];
  field?: FieldCstNode[];
  Comma?: IToken[];
  Semicolon?: IToken[];
  NumberLiteral?: IToken[];
  RBrace: IToken[];
};

export interface FieldCstNode extends CstNode {
  name: "field";
  children: FieldCstChildren;
}

export type FieldCstChildren = {
  name: IToken[];
  Equals?: (IToken)[];
  value?: (ValueCstNode)[];
  block?: BlockCstNode[];
  Colon?: IToken[];
  Dash?: IToken[];
  yamlItem?: ValueCstNode[];
  Dot?: (IToken)[];
  dotted?: (IToken)[];
};

export interface ValueCstNode extends CstNode {
  name: "value";
  children: ValueCstChildren;
}

export type ValueCstChildren = {
  StringLiteral?: IToken[];
  quotedBlock?: BlockCstNode[];
  NumberLiteral?: IToken[];
  True?: IToken[];
  False?: IToken[];
  list?: ListCstNode[];
  block?: BlockCstNode[];
  reference?: ReferenceCstNode[];
};

export interface ReferenceCstNode extends CstNode {
  name: "reference";
  children: ReferenceCstChildren;
}

export type ReferenceCstChildren = {
  segment: (IToken)[];
  Dot?: IToken[];
  arguments?: ArgumentsCstNode[];
  block?: BlockCstNode[];
};

export interface ArgumentsCstNode extends CstNode {
  name: "arguments";
  children: ArgumentsCstChildren;
}

export type ArgumentsCstChildren = {
  LParen: IToken[];
  Comma?: IToken[];
  argument?: ArgumentCstNode[];
  RParen: IToken[];
};

export interface ArgumentCstNode extends CstNode {
  name: "argument";
  children: ArgumentCstChildren;
}

export type ArgumentCstChildren = {
  name?: IToken[];
  Equals?: IToken[];
  value: ValueCstNode[];
};

export interface ListCstNode extends CstNode {
  name: "list";
  children: ListCstChildren;
}

export type ListCstChildren = {
  LBracket: IToken[];
  Comma?: IToken[];
  value?: ValueCstNode[];
  RBracket: IToken[];
};
