// Synchronisation between the lanes of the raymarch pass (raymarch.wgsl) when a ray has several lanes
// (LANES > 1): they share the ray's workgroup arrays, so every phase ends with a barrier, and the loop over
// coarse chunks asks the whole workgroup whether any ray still marches (a workgroup-uniform answer, as loops
// containing barriers need). laneSyncSolo.wgsl is the one-lane twin.
//
// Uses from raymarch.wgsl: rayLive, groupLive, RAYS.

fn laneSync() { workgroupBarrier(); }

/// Whether any ray of the workgroup still takes samples.
fn anyRayLive(lid: u32) -> bool {
  workgroupBarrier();
  if (lid == 0u) {
    var live = 0u;
    for (var r = 0u; r < RAYS; r++) { live |= rayLive[r]; }
    groupLive = live;
  }
  return workgroupUniformLoad(&groupLive) != 0u;
}
