//go:build !windows

package printer

import "tally/domain"

// sendSpooler is Windows' raw printing: elsewhere, a printer is reached
// over the network or its device file.
func sendSpooler(name string, data []byte) error {
	return domain.Errorf(domain.EINVALID, "A Windows printer is printed to from Windows only: on this computer choose Network or USB.")
}
