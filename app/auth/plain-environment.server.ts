/**
 * Replaces `process.env` with a plain copy of it, once the environment is complete (.env read).
 * Clerk's middleware reads its settings from the environment on every request, about 650 reads,
 * nearly all of variables that are not set (@clerk/shared's getEnvVariable, from its
 * loadOptions, twice per request, and the root loader's state). Each read of the real
 * `process.env` is a call into Node's C++ environment store, ~130 ns for a miss on our machines;
 * a plain object answers in a few. The server's environment does not change once it has
 * started. What is lost: a value assigned later is not turned into a string, and native code
 * (none here) would not see it; child processes still get this object as their environment.
 */
export function plainEnvironment() {
  process.env = { ...process.env }
}
