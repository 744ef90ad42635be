package cli

import (
	"context"
	"fmt"
	"io"

	"tally/domain"
)

// DoctorUsage documents `tally doctor`.
const DoctorUsage = `tally doctor [--db PATH]
  Checks what usually goes wrong, and names the cause and the fix of each
  failure: Stripe reachable (network, proxy, TLS), the key valid and of the
  mode chosen, a restricted key's permissions, this computer's clock against
  Stripe's, each reader online, on a location of the account's country and
  used by a method, when Stripe's events were last received, the webhook's
  signing secret, the data files whole. Exits 1 when a check fails.`

// Doctor runs `tally doctor`.
func Doctor(ctx context.Context, svc Services, args []string, stdout io.Writer) error {
	for _, a := range args {
		if a == "--help" || a == "-h" {
			fmt.Fprintln(stdout, DoctorUsage)
			return nil
		}
		return fmt.Errorf("unknown option %s\n\n%s", a, DoctorUsage)
	}
	cs := svc.Doctor.Run(ctx)
	fmt.Fprint(stdout, domain.Report(cs))
	n := 0
	for _, c := range cs {
		if c.Status == "fail" {
			n++
		}
	}
	if n > 0 {
		return domain.Errorf(domain.EINVALID, "%d %s failed: see above for the cause and the fix.", n, map[bool]string{true: "check", false: "checks"}[n == 1])
	}
	return nil
}
