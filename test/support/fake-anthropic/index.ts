export { FakeAnthropic, type FakeAnthropicOptions, type RecordedRequest, type RequestKind, type SeenToolResult } from './server';
export { applyStopSequences, isAgentLoopRequest, sideAnswer, textTurn, toolTurn, type ClassifierVerdict, type ContentBlock, type FakeTurn, type MessagesRequest, type ScriptStep } from './script';
export { messageEvents, messageJson } from './sse';
