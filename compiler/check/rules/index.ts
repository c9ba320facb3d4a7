/**
 * The semantic (AL4xxx), data (AL5xxx), resource (AL6xxx) and bundle (AL7xxx) rules, one per file. The
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
import { instructionRowsValidCode, instructionRowsValidRule } from "./InstructionRowsValid.js";
import { groupBaselineNeedsTwoGenerationsCode, groupBaselineNeedsTwoGenerationsRule } from "./GroupBaselineNeedsTwoGenerations.js";
import { grpoClipRangeCode, grpoClipRangeRule } from "./GrpoClipRange.js";
import { grpoKlEstimatorInLossCode, grpoKlEstimatorInLossRule } from "./GrpoKlEstimatorInLoss.js";
import { rewardModelRolesCode, rewardModelRolesRule } from "./RewardModelRoles.js";
import { rewardModelStageModelCode, rewardModelStageModelRule } from "./RewardModelStageModel.js";
import { judgeInputsProvidedCode, judgeInputsProvidedRule } from "./JudgeInputsProvided.js";
import { judgeScopeInTaskCode, judgeScopeInTaskRule } from "./JudgeScopeInTask.js";
import { judgeTokensDistinctCode, judgeTokensDistinctRule } from "./JudgeTokensDistinct.js";
import { launchGpusMatchClusterCode, launchGpusMatchClusterRule } from "./LaunchGpusMatchCluster.js";
import { launchNeedsFieldCode, launchNeedsFieldRule } from "./LaunchNeedsField.js";
import { klMaxPositiveCode, klMaxPositiveRule } from "./KlMaxPositive.js";
import { codeTestsLimitsCode, codeTestsLimitsRule } from "./CodeTestsLimits.js";
import { lengthJudgeBoundsCode, lengthJudgeBoundsRule } from "./LengthJudgeBounds.js";
import { jsonSchemaValidCode, jsonSchemaValidRule } from "./JsonSchemaValid.js";
import { judgeValuesAcceptedCode, judgeValuesAcceptedRule } from "./JudgeValuesAccepted.js";
import { containsValuesNonEmptyCode, containsValuesNonEmptyRule } from "./ContainsValuesNonEmpty.js";
import { loraNeedsHfModelCode, loraNeedsHfModelRule } from "./LoraNeedsHfModel.js";
import { customJudgeModuleCode, customJudgeModuleRule } from "./CustomJudgeModule.js";
import { llmJudgeNeedsEndpointCode, llmJudgeNeedsEndpointRule } from "./LlmJudgeNeedsEndpoint.js";
import { estimateShapeGuessedCode, modelFitsGpusCode, modelFitsGpusRule } from "./ModelFitsGpus.js";
import { microBatchFitsCode, microBatchFitsRule } from "./MicroBatchFits.js";
import { modelSizeKnownCode, modelSizeKnownRule } from "./ModelSizeKnown.js";
import { ppoNeedsValueModelCode, ppoValueModelRule, ppoValueModelShapeCode } from "./PpoValueModel.js";
import { promptFitsContextCode, promptFitsContextRule } from "./PromptFitsContext.js";
import { hfPromptCutCode, hfPromptFitsContextRule, hfPromptRefusedCode, hfPromptUncheckedCode } from "./HfPromptFitsContext.js";
import { nonNegativeTaskWeightCode, nonNegativeTaskWeightRule } from "./NonNegativeTaskWeight.js";
import { rewardBaselineProvidedCode, rewardBaselineProvidedRule } from "./RewardBaselineProvided.js";
import { secretLiteralCode, secretLiteralRule } from "./SecretLiteral.js";
import { slurmSignalBeforeTimeCode, slurmSignalBeforeTimeRule } from "./SlurmSignalBeforeTime.js";
import { someTaskWeightNonZeroCode, someTaskWeightNonZeroRule } from "./SomeTaskWeightNonZero.js";
import { spotNeedsRunStorageCode, spotNeedsRunStorageRule } from "./SpotNeedsRunStorage.js";
import { stageCycleCode, stageCycleRule } from "./StageCycle.js";
import { stageDataFieldsCode, stageDataFieldsRule } from "./StageDataFields.js";
import { stageInputExactlyOneCode, stageInputExactlyOneRule } from "./StageInputExactlyOne.js";
import { stageNameReservedCode, stageNameReservedRule } from "./StageNameReserved.js";
import { taskSamplesWhatItTrainsCode, taskSamplesWhatItTrainsRule } from "./TaskSamplesWhatItTrains.js";
import { templateSlotsProvidedCode, templateSlotsProvidedRule } from "./TemplateSlotsProvided.js";
import { templateSyntaxCode, templateSyntaxRule } from "./TemplateSyntax.js";
import { trackingHasSinkCode, trackingHasSinkRule } from "./TrackingHasSink.js";
import { unsandboxedCodeTestsCode, unsandboxedCodeTestsRule } from "./UnsandboxedCodeTests.js";
import { unusedDeclarationCode, unusedDeclarationRule } from "./UnusedDeclaration.js";
import { validRegexCode, validRegexRule } from "./ValidRegex.js";
import { wandbOfflineKeyUnusedCode, wandbOfflineKeyUnusedRule } from "./WandbOfflineKeyUnused.js";
import { wandbOnlineNeedsKeyCode, wandbOnlineNeedsKeyRule } from "./WandbOnlineNeedsKey.js";

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
  [launchNeedsFieldRule, launchNeedsFieldCode],
  [launchGpusMatchClusterRule, launchGpusMatchClusterCode],
  [slurmSignalBeforeTimeRule, slurmSignalBeforeTimeCode],
  [spotNeedsRunStorageRule, spotNeedsRunStorageCode],
  [codeTestsLimitsRule, codeTestsLimitsCode],
  [instructionsColumnsRule, instructionsColumnsCode],
  [wandbOnlineNeedsKeyRule, wandbOnlineNeedsKeyCode],
  [wandbOfflineKeyUnusedRule, wandbOfflineKeyUnusedCode],
  [trackingHasSinkRule, trackingHasSinkCode],
  [groupBaselineNeedsTwoGenerationsRule, groupBaselineNeedsTwoGenerationsCode],
  [grpoClipRangeRule, grpoClipRangeCode],
  [grpoKlEstimatorInLossRule, grpoKlEstimatorInLossCode],
  [rewardModelRolesRule, rewardModelRolesCode],
  [rewardModelStageModelRule, rewardModelStageModelCode],
  [ppoValueModelRule, ppoNeedsValueModelCode],
  [ppoValueModelRule, ppoValueModelShapeCode],
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
  [customJudgeModuleRule, customJudgeModuleCode],
  [jsonSchemaValidRule, jsonSchemaValidCode],
  [containsValuesNonEmptyRule, containsValuesNonEmptyCode],
  [instructionRowsValidRule, instructionRowsValidCode],
  [judgeValuesAcceptedRule, judgeValuesAcceptedCode],
  [stageNameReservedRule, stageNameReservedCode],
  [taskSamplesWhatItTrainsRule, taskSamplesWhatItTrainsCode],
  [modelFitsGpusRule, estimateShapeGuessedCode],
  [modelSizeKnownRule, modelSizeKnownCode],
  [promptFitsContextRule, promptFitsContextCode],
  [hfPromptFitsContextRule, hfPromptCutCode],
  [hfPromptFitsContextRule, hfPromptRefusedCode],
  [hfPromptFitsContextRule, hfPromptUncheckedCode],
  [microBatchFitsRule, microBatchFitsCode],
];

/** Each rule once (a rule with several codes has an entry per code). */
export const allRules: readonly Rule[] = [...new Set(entries.map(([rule]) => rule))];
export const ruleCodes: readonly CodeInfo[] = entries.map(([, code]) => code);
