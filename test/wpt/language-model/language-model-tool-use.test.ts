/**
 * Port of WPT ai/language-model/language-model-tool-use.tentative.https.window.js: its subtests about
 * the tool definitions `create()` takes, which apply to both designs — the explainer's closed loop (the
 * session runs `execute`; what LLM OS implements) and Chromium's tentative open loop (prompt() returns
 * tool-call messages; `LanguageModelToolCall` / `LanguageModelToolSuccess`; an echo test model). The
 * open-loop subtests are listed in ../README.md. See ../README.md.
 */
import { assert_equals, assert_true, createLanguageModel, ensureLanguageModel, model_quality, promise_rejects_js, promise_test, setup_wpt } from '../harness';

setup_wpt();

promise_test(async t => {
  await ensureLanguageModel();

  // Test with null inputSchema.
  await promise_rejects_js(t, TypeError, createLanguageModel({
    tools: [{
      name: "testTool",
      description: "Test tool with null inputSchema.",
      inputSchema: null
    }]
  }));
}, 'createLanguageModel should reject when tool has null inputSchema.');

promise_test(async t => {
  await ensureLanguageModel();

  // Test with empty object inputSchema - missing required 'type' property.
  await promise_rejects_js(t, TypeError, createLanguageModel({
    expectedOutputs: [{ type: 'tool-call' }],
    tools: [{
      name: "testTool",
      description: "Test tool with empty object inputSchema. Args: {}",
      inputSchema: {}
    }]
  }));
}, 'createLanguageModel should reject when tool inputSchema is empty object without type property.');

promise_test(async t => {
  await ensureLanguageModel();

  // Test with non-object inputSchema.
  await promise_rejects_js(t, TypeError, createLanguageModel({
    tools: [{
      name: "testTool",
      description: "Test tool with string inputSchema.",
      inputSchema: "not an object"
    }]
  }));
}, 'createLanguageModel should reject when tool inputSchema is not an object.');

promise_test(async t => {
  await ensureLanguageModel();

  // Test with inputSchema missing 'type' property.
  await promise_rejects_js(t, TypeError, createLanguageModel({
    tools: [{
      name: "testTool",
      description: "Test tool with inputSchema missing type.",
      inputSchema: {
        properties: {
          param: { type: "string" }
        }
      }
    }]
  }));
}, 'createLanguageModel should reject when tool inputSchema has no type property.');

promise_test(async t => {
  await ensureLanguageModel();

  // Test with inputSchema type not 'object'.
  await promise_rejects_js(t, TypeError, createLanguageModel({
    tools: [{
      name: "testTool",
      description: "Test tool with non-object inputSchema type.",
      inputSchema: {
        type: "string"
      }
    }]
  }));
}, 'createLanguageModel should reject when tool inputSchema type is not object.');

promise_test(async t => {
  await ensureLanguageModel();

  // Test with invalid properties structure.
  await promise_rejects_js(t, TypeError, createLanguageModel({
    tools: [{
      name: "testTool",
      description: "Test tool with invalid properties structure.",
      inputSchema: {
        type: "object",
        properties: "not an object"
      }
    }]
  }));
}, 'createLanguageModel should reject when tool inputSchema properties is not an object.');

promise_test(async t => {
  await ensureLanguageModel();

  // Test with invalid required array.
  await promise_rejects_js(t, TypeError, createLanguageModel({
    tools: [{
      name: "testTool",
      description: "Test tool with invalid required structure.",
      inputSchema: {
        type: "object",
        properties: {
          param: { type: "string" }
        },
        required: "not an array"
      }
    }]
  }));
}, 'createLanguageModel should reject when tool inputSchema required is not an array.');

promise_test(async t => {
  await ensureLanguageModel();

  // Test with inputSchema that throws on property access (Proxy trap).
  const throwingSchema = new Proxy({type: "object"}, {
    get(target, prop) {
      if (prop === "properties") {
        throw new Error("Proxy trap threw on property access");
      }
      return (target as Record<PropertyKey, unknown>)[prop];
    }
  });

  await promise_rejects_js(t, Error, createLanguageModel({
    expectedOutputs: [{ type: 'tool-call' }],
    tools: [{
      name: "proxyTool",
      description: "Tool with throwing Proxy inputSchema.",
      inputSchema: throwingSchema
    }]
  }));
}, 'createLanguageModel should propagate exception when inputSchema getter throws.');

promise_test(async t => {
  await ensureLanguageModel();

  // Test with inputSchema that throws on "type" property access.
  const throwingTypeSchema = new Proxy({}, {
    get(target, prop) {
      if (prop === "type") {
        throw new TypeError("Cannot read type property");
      }
      return (target as Record<PropertyKey, unknown>)[prop];
    }
  });

  await promise_rejects_js(t, TypeError, createLanguageModel({
    expectedOutputs: [{ type: 'tool-call' }],
    tools: [{
      name: "proxyTypeTool",
      description: "Tool with throwing Proxy on type access.",
      inputSchema: throwingTypeSchema
    }]
  }));
}, 'createLanguageModel should propagate exception when inputSchema type getter throws.');

promise_test(async t => {
  await ensureLanguageModel();

  // Test with empty tool name.
  await promise_rejects_js(t, TypeError, createLanguageModel({
    tools: [{
      name: "",
      description: "Test tool with empty name.",
      inputSchema: {
        type: "object",
        properties: {}
      }
    }]
  }));
}, 'createLanguageModel should reject when tool has empty name.');

promise_test(async t => {
  await ensureLanguageModel();

  // Test with empty description.
  await promise_rejects_js(t, TypeError, createLanguageModel({
    tools: [{
      name: "testTool",
      description: "",
      inputSchema: {
        type: "object",
        properties: {}
      }
    }]
  }));
}, 'createLanguageModel should reject when tool has empty description.');

promise_test(async t => {
  await ensureLanguageModel();

  // Test with duplicate tool names - should reject.
  await promise_rejects_js(t, TypeError, createLanguageModel({
    tools: [
      {
        name: "duplicateTool",
        description: "First tool with this name.",
        inputSchema: {
          type: "object",
          properties: {}
        }
      },
      {
        name: "duplicateTool", // Same name as above - should cause rejection
        description: "Second tool with duplicate name.",
        inputSchema: {
          type: "object",
          properties: {}
        }
      }
    ]
  }));
}, 'createLanguageModel should reject when tools array contains duplicate tool names.');

promise_test(async t => {
  await ensureLanguageModel();

  // Test with missing inputSchema.
  await promise_rejects_js(t, TypeError, createLanguageModel({
    tools: [{
      name: "testTool",
      description: "Test tool without inputSchema."
    }]
  }));
}, 'createLanguageModel should reject when tool has no inputSchema.');

promise_test(async t => {
  await ensureLanguageModel();

  const circularSchema: Record<string, unknown> = {
    type: "object",
    properties: {
      param: { type: "string" }
    }
  };
  // Create circular reference.
  circularSchema.circular = circularSchema;

  // Should reject because the circular reference cannot be serialized.
  await promise_rejects_js(t, TypeError, createLanguageModel({
    expectedOutputs: [{ type: 'tool-call' }],
    tools: [
      {
        name: "validTool",
        description: "A valid tool. Args: {\"action\": \"test\"}",
        inputSchema: {
          type: "object",
          properties: {
            action: { type: "string" }
          }
        }
      },
      {
        name: "circularTool",
        description: "Tool with circular reference. Args: {}",
        inputSchema: circularSchema
      }
    ]
  }));
}, 'createLanguageModel should reject when tool has circular reference in inputSchema');

promise_test(async t => {
  await ensureLanguageModel();

  const circularSchema1: Record<string, unknown> = {
    type: "object",
    properties: { param1: { type: "string" } }
  };
  circularSchema1.circular = circularSchema1;

  const circularSchema2: Record<string, unknown> = {
    type: "object",
    properties: { param2: { type: "string" } }
  };
  circularSchema2.circular = circularSchema2;

  // All tools have circular references - should reject with TypeError.
  await promise_rejects_js(t, TypeError, createLanguageModel({
    expectedOutputs: [{ type: 'tool-call' }],
    tools: [
      {
        name: "circularTool1",
        description: "First tool with circular reference. Args: {}",
        inputSchema: circularSchema1
      },
      {
        name: "circularTool2",
        description: "Second tool with circular reference. Args: {}",
        inputSchema: circularSchema2
      }
    ]
  }));
}, 'createLanguageModel should reject when all tools have circular references');

promise_test(async t => {
  await ensureLanguageModel();

  const schemaWithThrowingToJSON = {
    type: "object",
    properties: {
      param: { type: "string" }
    },
    toJSON() {
      throw new Error("Custom toJSON error - this should propagate");
    }
  };

  await promise_rejects_js(t, Error, createLanguageModel({
    expectedOutputs: [{ type: 'tool-call' }],
    tools: [
      {
        name: "throwingTool",
        description: "Tool with throwing toJSON. Args: {}",
        inputSchema: schemaWithThrowingToJSON
      }
    ]
  }), "Custom toJSON error should propagate");
}, 'createLanguageModel should propagate V8 exception from custom toJSON()');

promise_test(async t => {
  await ensureLanguageModel();

  const schemaWithThrowingGetter = {
    type: "object",
    properties: {
      param: { type: "string" }
    },
    get throwingProperty() {
      throw new Error("Getter threw during serialization");
    }
  };

  await promise_rejects_js(t, Error, createLanguageModel({
    expectedOutputs: [{ type: 'tool-call' }],
    tools: [
      {
        name: "throwingGetterTool",
        description: "Tool with throwing getter. Args: {}",
        inputSchema: schemaWithThrowingGetter
      }
    ]
  }), "Getter exception should propagate");
}, 'createLanguageModel should propagate V8 exception from custom getter during serialization');

promise_test(async t => {
  await ensureLanguageModel();

  const circularSchema: Record<string, unknown> = {
    type: "object",
    properties: { param: { type: "string" } }
  };
  circularSchema.circular = circularSchema;

  await promise_rejects_js(t, TypeError, createLanguageModel({
    expectedOutputs: [{ type: 'tool-call' }],
    tools: [
      {
        name: "validTool1",
        description: "First valid tool. Args: {\"action\": \"test\"}",
        inputSchema: {
          type: "object",
          properties: {
            action: { type: "string" }
          }
        }
      },
      {
        name: "invalidTool",
        description: "Tool with circular reference. Args: {}",
        inputSchema: circularSchema
      },
      {
        name: "validTool2",
        description: "Second valid tool. Args: {\"count\": 42}",
        inputSchema: {
          type: "object",
          properties: {
            count: { type: "number" }
          }
        }
      }
    ]
  }));
}, 'createLanguageModel should fail-fast when one tool among many is invalid');

promise_test.fails(async () => {
  await ensureLanguageModel();

  const schemaWithInvalidJSONLikeContent = {
    type: "object",
    properties: {
      trailingCommaExample: {
        type: "string",
        description: '{"a": 10,}'  // Contains trailing comma as string content.
      },
      commentExample: {
        type: "string",
        description: '{\n  "a": 10,\n  // Comment.\n  "b": 11\n}'  // Contains comment as string content.
      }
    }
  };

  const model = await createLanguageModel({
    expectedOutputs: [{ type: 'tool-call' }],
    tools: [{
      name: "exampleTool",
      description: "Demonstrates JSON.stringify escaping of some invalid JSON examples. Args: {}",
      inputSchema: schemaWithInvalidJSONLikeContent
    }]
  });
  assert_true(!!model, 'Model should be created successfully with invalid-JSON-like string content');
}, 'createLanguageModel with schema containing invalid-JSON-like text (trailing commas, comments) as string content succeeds because JSON.stringify escapes properly',
'open-loop tool-call output (expectedOutputs: [{type: "tool-call"}]) is not implemented: NotSupportedError', /^NotSupportedError/);

promise_test(async () => {
  await ensureLanguageModel();

  // Test with explicitly empty tools array - should succeed.
  const model = await createLanguageModel({
    tools: []
  });

  // Should be able to use the model normally.
  const result = await model.prompt('Hello');
  assert_equals(typeof result, 'string', 'Result should be a string');
  model_quality(() => assert_true(result.includes('Hello'), 'Result should echo back the input "Hello"'));
}, 'createLanguageModel should succeed with empty tools array.');

promise_test(async () => {
  await ensureLanguageModel();

  // Test with no tools property - should succeed.
  const model = await createLanguageModel({});

  // Should be able to use the model normally.
  const result = await model.prompt('Hello');
  assert_equals(typeof result, 'string', 'Result should be a string');
  model_quality(() => assert_true(result.includes('Hello'), 'Result should echo back the input "Hello"'));
}, 'createLanguageModel should succeed with no tools property.');
