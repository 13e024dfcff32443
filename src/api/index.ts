/**
 * The developer APIs (re-exported by `src/index.ts` and by the elements library): the OpenAI-shaped
 * client, the Prompt API polyfill, the service-worker endpoint's page side, per-app policies, the
 * page's shared kernel and model references.
 */
export { connect } from './openai';
export type { ConnectOptions, LlmOsClient, ChatCompletionStream } from './openai';
export type {
  ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams, ChatCompletionMessageParam, ChatCompletionContentPartText,
  ChatCompletionContentPartImage, ChatCompletionContentPart, CompletionUsage, FinishReason, Model, ModelList, RequestOptions, ResponseFormat,
} from './openai-types';
export { getSharedKernel, setSharedKernel, hasSharedKernel } from './shared-kernel';
export { DEFAULT_APP_QUOTA, setAppPolicy, appPolicy } from './app-identity';
export { resolveModel, registerSource, setModelDefaults, modelDefaults, randomFixtureDefaults } from './model-ref';
export { acceptsImages, modelInputs } from './model-inputs';
export type { InputModality } from '../engines/engine';
// Images as the data URLs chat messages carry (page-safe helpers: the browser decodes, scales, re-encodes).
export { blobToDataUrl, imageFileToDataUrl } from '../engines/image-input';
export type { ModelDefaults } from './model-ref';
export { validateOutput } from './structured-output';
export type { OutputConstraint } from './structured-output';
export { jsonSchemaToGbnf } from './json-schema-grammar';
export { regexpToGbnf } from './regexp-grammar';
// The limits on schemas, RegExps, grammars, output validation and chat-template rendering (issue 13).
export { CONSTRAINT_LIMITS } from '../protocol/constraint-limits';
export type { ConstraintLimit } from '../protocol/constraint-limits';
export { createLanguageModelClass, installLanguageModelPolyfill, hasNativeLanguageModel, CreateMonitor } from './language-model-polyfill';
export type {
  Availability, LanguageModelClass, LanguageModelCreateCoreOptions, LanguageModelCreateOptions, LanguageModelParams,
} from './language-model-polyfill';
export { LanguageModelSession } from './language-model';
export type { LanguageModelPromptOptions } from './language-model';
export type { LanguageModelOptions } from './language-model-env';
export type {
  LanguageModelExpected, LanguageModelMessage, LanguageModelMessageContent, LanguageModelMessageRole, LanguageModelMessageType,
  LanguageModelPrompt,
} from './prompt-input';
export { serveKernelToServiceWorker } from './sw-endpoint';
export type { KernelServer, ServeOptions } from './sw-endpoint';
export { V1_MODEL_LIMITS } from './v1-models';
export type { V1ModelsOptions } from './v1-models';
export { KernelChatBackend } from './kernel-chat-backend';
export type { KernelChatBackendOptions } from './kernel-chat-backend';
