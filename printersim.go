package main

import (
	"context"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2/theme"

	"tally/printer"
)

// printerSim runs a receipt printer on this computer, for trying Tally
// without one: it listens where a network printer would (a loopback
// address by default), answers the status questions, and saves each job
// in out as its ESC/POS bytes, its text and a picture of the printed
// paper. It stops when ctx ends.
func printerSim(ctx context.Context, args []string, stdout io.Writer) error {
	addr, out, paper := "127.0.0.1:9100", ".", 80
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--listen" && i+1 < len(args):
			addr, i = args[i+1], i+1
		case a == "--out" && i+1 < len(args):
			out, i = args[i+1], i+1
		case a == "--paper" && i+1 < len(args):
			if _, err := fmt.Sscan(args[i+1], &paper); err != nil || paper != 58 && paper != 80 {
				return fmt.Errorf("--paper is 58 or 80, not %q", args[i+1])
			}
			i++
		case a == "--help" || a == "-h":
			fmt.Fprintln(stdout, "Usage: tally printer-sim [--listen 127.0.0.1:9100] [--out DIR] [--paper 80|58]\n\n"+
				"A receipt printer on this computer: point Settings > Printer at its address (Network).\n"+
				"Each job is saved in DIR as job-N.escpos (the bytes), job-N.txt and job-N.png (the paper).")
			return nil
		default:
			return fmt.Errorf("printer-sim: unknown argument %q (see tally printer-sim --help)", a)
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	f, err := printer.ListenFake(addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	defer f.Close()
	fmt.Fprintf(stdout, "A receipt printer listens on %s; its jobs go to %s.\n", f.Addr(), out)
	width, dots := 48, 576
	if paper == 58 {
		width, dots = 32, 384
	}
	font := theme.DefaultTextMonospaceFont().Content()
	for n := 1; ; {
		select {
		case <-ctx.Done():
			return nil
		default:
		}
		if !f.Wait(500 * time.Millisecond) {
			continue
		}
		jobs := f.Jobs()
		for ; n <= len(jobs); n++ {
			data := jobs[n-1]
			base := filepath.Join(out, fmt.Sprintf("job-%d", n))
			if err := os.WriteFile(base+".escpos", data, 0o644); err != nil {
				return err
			}
			p, err := printer.Decode(data)
			if err != nil {
				fmt.Fprintf(stdout, "job %d: %v\n", n, err)
				continue
			}
			text := p.Text()
			if err := os.WriteFile(base+".txt", []byte(text+"\n"), 0o644); err != nil {
				return err
			}
			img, err := printer.Render(p, width, dots, font)
			if err != nil {
				return err
			}
			pf, err := os.Create(base + ".png")
			if err != nil {
				return err
			}
			err = png.Encode(pf, img)
			if cerr := pf.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "job %d: %d lines, %d QR codes, %d cuts, drawer opened %d times, code page %d\n%s\n",
				n, len(p.Lines), len(p.QRs), p.Cuts, p.Kicks, p.CodePage, indent(text))
		}
	}
}

func indent(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }

// receiptCmd writes the receipt of the sale numbered N (of this till's
// register, in the books given) as a PDF, and prints it again with
// --print.
func receiptCmd(ctx context.Context, dbPath, books string, args []string, stdout io.Writer) error {
	var number int64
	out, print := "", false
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--out" && i+1 < len(args):
			out, i = args[i+1], i+1
		case a == "--print":
			print = true
		case a == "--help" || a == "-h":
			fmt.Fprintln(stdout, "Usage: tally receipt [--db PATH] NUMBER --out FILE.pdf [--print]")
			return nil
		default:
			if _, err := fmt.Sscan(a, &number); err != nil || number <= 0 {
				return fmt.Errorf("receipt: %q is not a sale number (see tally receipt --help)", a)
			}
		}
	}
	if number == 0 || out == "" && !print {
		return fmt.Errorf("receipt needs a sale number and --out FILE.pdf or --print (see tally receipt --help)")
	}
	w, err := cliWire(ctx, dbPath, books)
	if err != nil {
		return err
	}
	defer w.Close()
	reg := w.services.Register
	sale, err := reg.SaleByNumber(ctx, number)
	if err != nil {
		return err
	}
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		err = reg.ReceiptPDF(ctx, sale.ID, f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "The receipt of sale #%d is in %s.\n", number, out)
	}
	if print {
		if err := reg.PrintReceipt(ctx, sale.ID, false); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "The receipt of sale #%d went to the printer.\n", number)
	}
	return nil
}
