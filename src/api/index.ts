/**
 * The developer APIs (re-exported by `src/index.ts` and by the elements library): the OpenAI-shaped
 * client, the Prompt API polyfill, the service-worker endpoint's page side, per-app policies, the
 * page's shared kernel and model references.
 */
export { connect } from './openai/openai';
export type { ConnectOptions, LlmOsClient, ChatCompletionStream } from './openai/openai';
export type {
  ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams, ChatCompletionMessageParam, ChatCompletionContentPartText,
  ChatCompletionContentPartImage, ChatCompletionContentPart, CompletionUsage, FinishReason, Model, ModelList, RequestOptions, ResponseFormat,
} from './openai/openai-types';
export { getSharedKernel, setSharedKernel, hasSharedKernel, configureSharedKernel, getPrivateKernel, createPageKernel, type SharedKernelConfig } from './shared-kernel';
export { DEFAULT_APP_QUOTA, setAppPolicy, appPolicy } from './app-identity';
export { resolveModel, registerSource, setModelDefaults, modelDefaults } from './model-ref';
export { acceptsImages, modelInputs } from './model-inputs';
export type { InputModality } from '../protocol/engine';
// Images as the data URLs chat messages carry (page-safe helpers: the browser decodes, scales, re-encodes).
export { blobToDataUrl, imageFileToDataUrl } from '../protocol/image-input';
export type { ModelDefaults } from './model-ref';
export { validateOutput } from './structured/structured-output';
export type { OutputConstraint } from './structured/structured-output';
// The limits on schemas, RegExps, grammars, output validation and chat-template rendering (issue 13).
export { CONSTRAINT_LIMITS } from '../protocol/constraint-limits';
export type { ConstraintLimit } from '../protocol/constraint-limits';
export { createLanguageModelClass, installLanguageModelPolyfill, hasNativeLanguageModel, CreateMonitor } from './prompt-api/language-model-polyfill';
export type {
  Availability, LanguageModelClass, LanguageModelCreateCoreOptions, LanguageModelCreateOptions, LanguageModelParams,
} from './prompt-api/language-model-polyfill';
export { LanguageModelSession } from './prompt-api/language-model';
export type { LanguageModelPromptOptions } from './prompt-api/language-model';
export type { LanguageModelOptions } from './prompt-api/language-model-env';
export type {
  LanguageModelExpected, LanguageModelMessage, LanguageModelMessageContent, LanguageModelMessageRole, LanguageModelMessageType,
  LanguageModelPrompt,
} from './prompt-api/prompt-input';
// Built-in AI task APIs (Chrome's Summarizer, Writer, Rewriter, Proofreader, Translator) as polyfills over the kernel.
export { createBuiltInAi, installBuiltInAi, hasNativeBuiltInAi, BUILT_IN_AI_NAMES } from './builtin-ai/builtin-ai';
export type { BuiltInAi, BuiltInAiInstall, BuiltInAiName } from './builtin-ai/builtin-ai';
export type { BuiltInAiOptions } from './builtin-ai/ai-env';
export { createBuiltInAiOverBridge } from './builtin-ai/bridge-backend';
export type { BridgeAiOptions } from './builtin-ai/bridge-backend';
export type { SummarizerCreateOptions, SummarizerCreateCoreOptions, WriterCreateOptions, WriterCreateCoreOptions, RewriterCreateOptions, RewriterCreateCoreOptions } from './builtin-ai/writing-apis';
export type { ProofreaderCreateOptions, ProofreaderCreateCoreOptions } from './builtin-ai/proofreader';
export type { ProofreadResult, ProofreadCorrection, CorrectionType } from './builtin-ai/proofread-corrections';
export type { TranslatorCreateOptions, TranslatorCreateCoreOptions } from './builtin-ai/translator';
// LanguageDetector polyfill: detection by a detector library (eld) in a worker, no model.
export { createLanguageDetectorClass, installLanguageDetectorPolyfill, hasNativeLanguageDetector, DEFAULT_INPUT_QUOTA as LANGUAGE_DETECTOR_INPUT_QUOTA, MAX_DETECT_CHARS as LANGUAGE_DETECTOR_MAX_CHARS, SUPPORTED_LANGUAGES as LANGUAGE_DETECTOR_LANGUAGES } from './language-detector/language-detector';
export type { LanguageDetector, LanguageDetectorClass, LanguageDetectorOptions, LanguageDetectorCreateOptions, LanguageDetectorCreateCoreOptions, LanguageDetectorDetectOptions, LanguageDetectionResult } from './language-detector/language-detector';
export { serveKernelToServiceWorker } from './v1/sw-endpoint';
export type { KernelServer, ServeOptions } from './v1/sw-endpoint';
export { V1_MODEL_LIMITS } from './v1/v1-models';
export type { V1ModelsOptions } from './v1/v1-models';
export { AppSession, mergeParams } from './app-session';
export type { AppSessionOptions, Admission, BeforeLoad } from './app-session';
