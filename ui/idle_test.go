package ui

// No idle timer runs beside the screen tests: one firing in another test
// would race with it. TestIdleScanLetsGo calls releaseScan by hand.
func init() { scanIdleAfter = 0 }
