package catalog

import "context"

// Idle waits until no fetch is running, so tests can check what a
// background refresh stored without sleeping.
func (c *Catalog) Idle(ctx context.Context) { c.idle(ctx) }
