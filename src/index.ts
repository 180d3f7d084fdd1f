/**
 * bun-remoting: Apache RocketMQ's remoting protocol for Bun.
 * This is the package root under Bun; see ../README.md for the tour.
 */
export * from "./protocol/index.ts";
export {
  RemotingCommandError,
  RemotingConnectError,
  RemotingError,
  RemotingSendRequestError,
  RemotingTimeoutError,
  RemotingTooMuchRequestError,
} from "./errors.ts";
