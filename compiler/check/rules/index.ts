/**
 * The semantic (AL4xxx), data (AL5xxx) and resource (AL6xxx) rules, one per file. The
 * checker runs `allRules` over the well-typed plan; the diagnostics registry imports
 * `ruleCodes` for severities, `align explain` and docs/diagnostics.md.
 */
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { batchDividesRanksCode, batchDividesRanksRule } from "./BatchDividesRanks.js";
import { builtinContextFitsCode, builtinContextFitsRule } from "./BuiltinContextFits.js";
import { clusterGpuConsistentCode, clusterGpuConsistentRule } from "./ClusterGpuConsistent.js";
import { codpoNeedsTwoGenerationsCode, codpoNeedsTwoGenerationsRule } from "./CodpoNeedsTwoGenerations.js";
import { crraftFallbackNeedsBaselineCode, crraftFallbackNeedsBaselineRule } from "./CrraftFallbackNeedsBaseline.js";
import { datasetColumnsExistCode, datasetColumnsExistRule } from "./DatasetColumnsExist.js";
import { datasetFileExistsCode, datasetFileExistsRule } from "./DatasetFileExists.js";
import { datasetLinesValidCode, datasetLinesValidRule } from "./DatasetLinesValid.js";
import { datasetNotEmptyCode, datasetNotEmptyRule } from "./DatasetNotEmpty.js";
import { instructionsColumnsCode, instructionsColumnsRule } from "./InstructionsColumns.js";
import { judgeInputsProvidedCode, judgeInputsProvidedRule } from "./JudgeInputsProvided.js";
import { judgeScopeInTaskCode, judgeScopeInTaskRule } from "./JudgeScopeInTask.js";
import { judgeTokensDistinctCode, judgeTokensDistinctRule } from "./JudgeTokensDistinct.js";
import { klMaxPositiveCode, klMaxPositiveRule } from "./KlMaxPositive.js";
import { lengthJudgeBoundsCode, lengthJudgeBoundsRule } from "./LengthJudgeBounds.js";
import { loraNeedsHfModelCode, loraNeedsHfModelRule } from "./LoraNeedsHfModel.js";
import { llmJudgeNeedsEndpointCode, llmJudgeNeedsEndpointRule } from "./LlmJudgeNeedsEndpoint.js";
import { modelFitsGpusCode, modelFitsGpusRule } from "./ModelFitsGpus.js";
import { nonNegativeTaskWeightCode, nonNegativeTaskWeightRule } from "./NonNegativeTaskWeight.js";
import { rewardBaselineProvidedCode, rewardBaselineProvidedRule } from "./RewardBaselineProvided.js";
import { secretLiteralCode, secretLiteralRule } from "./SecretLiteral.js";
import { someTaskWeightNonZeroCode, someTaskWeightNonZeroRule } from "./SomeTaskWeightNonZero.js";
import { stageCycleCode, stageCycleRule } from "./StageCycle.js";
import { stageDataFieldsCode, stageDataFieldsRule } from "./StageDataFields.js";
import { stageInputExactlyOneCode, stageInputExactlyOneRule } from "./StageInputExactlyOne.js";
import { templateSlotsProvidedCode, templateSlotsProvidedRule } from "./TemplateSlotsProvided.js";
import { templateSyntaxCode, templateSyntaxRule } from "./TemplateSyntax.js";
import { unsandboxedCodeTestsCode, unsandboxedCodeTestsRule } from "./UnsandboxedCodeTests.js";
import { unusedDeclarationCode, unusedDeclarationRule } from "./UnusedDeclaration.js";
import { validRegexCode, validRegexRule } from "./ValidRegex.js";

/** Rules with their code, in code order (the order diagnostics of equal position come out in). */
const entries: readonly (readonly [Rule, CodeInfo])[] = [
  [stageCycleRule, stageCycleCode],
  [codpoNeedsTwoGenerationsRule, codpoNeedsTwoGenerationsCode],
  [klMaxPositiveRule, klMaxPositiveCode],
  [nonNegativeTaskWeightRule, nonNegativeTaskWeightCode],
  [someTaskWeightNonZeroRule, someTaskWeightNonZeroCode],
  [crraftFallbackNeedsBaselineRule, crraftFallbackNeedsBaselineCode],
  [llmJudgeNeedsEndpointRule, llmJudgeNeedsEndpointCode],
  [judgeScopeInTaskRule, judgeScopeInTaskCode],
  [unusedDeclarationRule, unusedDeclarationCode],
  [secretLiteralRule, secretLiteralCode],
  [unsandboxedCodeTestsRule, unsandboxedCodeTestsCode],
  [validRegexRule, validRegexCode],
  [lengthJudgeBoundsRule, lengthJudgeBoundsCode],
  [judgeTokensDistinctRule, judgeTokensDistinctCode],
  [stageInputExactlyOneRule, stageInputExactlyOneCode],
  [instructionsColumnsRule, instructionsColumnsCode],
  [datasetFileExistsRule, datasetFileExistsCode],
  [datasetLinesValidRule, datasetLinesValidCode],
  [datasetColumnsExistRule, datasetColumnsExistCode],
  [templateSlotsProvidedRule, templateSlotsProvidedCode],
  [judgeInputsProvidedRule, judgeInputsProvidedCode],
  [stageDataFieldsRule, stageDataFieldsCode],
  [templateSyntaxRule, templateSyntaxCode],
  [datasetNotEmptyRule, datasetNotEmptyCode],
  [rewardBaselineProvidedRule, rewardBaselineProvidedCode],
  [modelFitsGpusRule, modelFitsGpusCode],
  [batchDividesRanksRule, batchDividesRanksCode],
  [clusterGpuConsistentRule, clusterGpuConsistentCode],
  [builtinContextFitsRule, builtinContextFitsCode],
  [loraNeedsHfModelRule, loraNeedsHfModelCode],
];

export const allRules: readonly Rule[] = entries.map(([rule]) => rule);
export const ruleCodes: readonly CodeInfo[] = entries.map(([, code]) => code);
