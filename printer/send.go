package printer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"strings"
	"time"

	"tally/domain"
)

// ESCPOS sends print jobs to ESC/POS printers: domain.Printers.
type ESCPOS struct {
	// Timeout bounds connecting, the status question and the write
	// (default 4 s): a printer that is off must not hold the till.
	Timeout time.Duration
}

// DefaultPort is the raw printing port of network receipt printers.
const DefaultPort = "9100"

// Send encodes the job and delivers it as its settings say.
func (e ESCPOS) Send(ctx context.Context, job domain.PrintJob) error {
	data := Encode(job)
	p := job.Settings
	switch p.Kind {
	case domain.PrinterNetwork:
		return e.sendTCP(ctx, p.Address, data)
	case domain.PrinterUSB:
		return sendDevice(p.Address, data)
	case domain.PrinterWindows:
		return sendSpooler(p.Address, data)
	}
	return domain.Errorf(domain.EINVALID, "No receipt printer is set up for this till.")
}

func (e ESCPOS) timeout() time.Duration {
	if e.Timeout > 0 {
		return e.Timeout
	}
	return 4 * time.Second
}

// Address is a network printer's address with the raw port added when
// none is given.
func Address(a string) string {
	a = strings.TrimSpace(a)
	if _, _, err := net.SplitHostPort(a); err != nil {
		return net.JoinHostPort(strings.Trim(a, "[]"), DefaultPort)
	}
	return a
}

// sendTCP connects, asks the printer's status (offline, paper), and
// writes the job. A printer that does not answer the status question
// (some do not) is sent the job all the same.
func (e ESCPOS) sendTCP(ctx context.Context, addr string, data []byte) error {
	addr = Address(addr)
	d := net.Dialer{Timeout: e.timeout()}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return domain.Errorf(domain.EUNAVAILABLE, "The receipt printer at %s does not answer: check that it is switched on and connected to the network, then print again.", addr)
	}
	defer conn.Close()
	deadline := time.Now().Add(e.timeout())
	_ = conn.SetDeadline(deadline)
	if err := checkStatus(conn); err != nil {
		return err
	}
	_ = conn.SetDeadline(time.Now().Add(e.timeout()))
	if _, err := conn.Write(data); err != nil {
		return domain.Errorf(domain.EUNAVAILABLE, "The receipt printer at %s stopped answering while printing: check it, then print again.", addr)
	}
	return nil
}

// checkStatus asks DLE EOT 1 (printer) and DLE EOT 4 (paper roll) and
// reads the two status bytes: offline or paper out is an error the
// cashier can act on. No answer within a second is taken as fine.
func checkStatus(conn net.Conn) error {
	if _, err := conn.Write([]byte{dle, eot, 1, dle, eot, 4}); err != nil {
		return domain.Errorf(domain.EUNAVAILABLE, "The receipt printer closed the connection: check it, then print again.")
	}
	_ = conn.SetReadDeadline(time.Now().Add(time.Second))
	var st [2]byte
	n, err := io.ReadFull(conn, st[:])
	_ = conn.SetReadDeadline(time.Time{})
	if err != nil || n < 2 {
		return nil
	}
	return StatusError(st[0], st[1])
}

// StatusError reads DLE EOT 1 and 4's answers: bit 3 of the first is
// "offline" (cover open, paper out, an error); bits 5 and 6 of the second
// "paper end", bits 2 and 3 "paper near end".
func StatusError(printer, paper byte) error {
	switch {
	case paper&0x60 != 0:
		return domain.Errorf(domain.EUNAVAILABLE, "The receipt printer is out of paper: put in a new roll, then print again.")
	case printer&0x08 != 0:
		return domain.Errorf(domain.EUNAVAILABLE, "The receipt printer is offline (its cover may be open): close the cover, then print again.")
	}
	return nil
}

// sendDevice writes the job to a printer's device file (Linux's
// /dev/usb/lp0).
func sendDevice(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return domain.Errorf(domain.EUNAVAILABLE, "No printer is plugged in at %s: check the USB cable and that the printer is on, then print again.", path)
		case errors.Is(err, fs.ErrPermission):
			return domain.Errorf(domain.EUNAVAILABLE, "Tally may not write to %s: add this user to the lp group (sudo usermod -aG lp $USER, then log in again).", path)
		}
		return domain.Errorf(domain.EUNAVAILABLE, "The printer at %s cannot be opened (%v): check it, then print again.", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return domain.Errorf(domain.EUNAVAILABLE, "The printer at %s stopped while printing (%v): check paper and cable, then print again.", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	return nil
}
