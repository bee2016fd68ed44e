// The arc_machines table's migration, on its own: server/store/database.ts lists it in MIGRATIONS,
// and a module it imports must not import it back (machine-store.ts reads rows through database.ts;
// an import cycle between the two left this constant uninitialised whenever the store loaded first).

/**
 * Migration: the arc_machines table. A group's delete takes its machines with it (the foreign
 * key), as it takes its VMs.
 */
export const ARC_MACHINES_MIGRATION = `
  CREATE TABLE arc_machines (
    subscription_id    TEXT NOT NULL,
    resource_group_key TEXT NOT NULL,
    name_key           TEXT NOT NULL,
    name               TEXT NOT NULL,
    location           TEXT NOT NULL,
    vm_id              TEXT NOT NULL,
    os_family          TEXT NOT NULL,  -- Windows | Linux
    catalogue_key      TEXT NOT NULL,
    status             TEXT NOT NULL,  -- Connected | Disconnected | Error | AwaitingConnection | Expired
    last_status_change TEXT NOT NULL,
    time_created       TEXT NOT NULL,
    definition         TEXT NOT NULL,  -- JSON: tags and properties as given
    patch_state        TEXT NOT NULL,  -- JSON: VmPatchState
    operation_count    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (subscription_id, resource_group_key, name_key),
    FOREIGN KEY (subscription_id, resource_group_key)
      REFERENCES resource_groups (subscription_id, name_key) ON DELETE CASCADE
  ) WITHOUT ROWID;
`;
