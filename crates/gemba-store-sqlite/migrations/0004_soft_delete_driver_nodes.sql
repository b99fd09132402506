-- Driver diagram nodes are deleted softly, like measures and PDSA cycles: `deleted_at` hides a
-- node, and `deleted_with` names the node whose deletion took it (itself for the node the user
-- deleted, that node for its descendants), so that an admin can restore the node together with
-- the descendants deleted with it. PDSA cycles keep their link to a deleted change idea. Nodes
-- deleted before this migration are gone (they were deleted for good).
ALTER TABLE driver_nodes ADD COLUMN deleted_at TEXT;
ALTER TABLE driver_nodes ADD COLUMN deleted_by INTEGER REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE driver_nodes ADD COLUMN deleted_with INTEGER;
CREATE INDEX driver_nodes_deleted_by ON driver_nodes (deleted_by);
CREATE INDEX driver_nodes_deleted_with ON driver_nodes (deleted_with);
