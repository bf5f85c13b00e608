// Synchronisation for the raymarch pass (raymarch.wgsl) with one lane per ray (LANES = 1): each invocation
// owns its ray's arrays (private ones) and reads no one else's, so it needs no barriers. That matters on software
// adapters, which run a workgroup that uses barriers as coroutines (lavapipe: see docs/render-performance.md, Lanes per ray).
// laneSync.wgsl is the several-lane twin.
//
// Uses from raymarch.wgsl: rayLive (private, one slot, with one lane).

fn laneSync() {}

/// Whether this invocation's ray still takes samples.
fn anyRayLive(lid: u32) -> bool { return rayLive[0] != 0u; }
