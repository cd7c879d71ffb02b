export { FakeAnthropic, type FakeAnthropicOptions, type RecordedRequest, type RequestKind, type SeenToolResult } from './server';
export { applyStopSequences, errorTurn, isAgentLoopRequest, sideAnswer, textTurn, toolTurn, type ClassifierVerdict, type ContentBlock, type FakeError, type FakeTurn, type MessagesRequest, type ScriptStep } from './script';
export { messageEvents, messageJson } from './sse';
