//go:build windows

package printer

import (
	"syscall"
	"unsafe"

	"tally/domain"
)

// The Windows spooler's raw printing (winspool.drv): the job's bytes go
// to the printer untouched, as its driver's "RAW" data type says.
var (
	winspool         = syscall.NewLazyDLL("winspool.drv")
	procOpenPrinter  = winspool.NewProc("OpenPrinterW")
	procStartDoc     = winspool.NewProc("StartDocPrinterW")
	procStartPage    = winspool.NewProc("StartPagePrinter")
	procWritePrinter = winspool.NewProc("WritePrinter")
	procEndPage      = winspool.NewProc("EndPagePrinter")
	procEndDoc       = winspool.NewProc("EndDocPrinter")
	procClosePrinter = winspool.NewProc("ClosePrinter")
)

// docInfo1 is DOC_INFO_1W.
type docInfo1 struct {
	docName    *uint16
	outputFile *uint16
	datatype   *uint16
}

// sendSpooler sends the job to the Windows printer named, as one raw
// document.
func sendSpooler(name string, data []byte) error {
	if err := winspool.Load(); err != nil {
		return domain.Errorf(domain.EUNAVAILABLE, "Windows' printing service is not available here: %v", err)
	}
	pname, err := syscall.UTF16PtrFromString(name)
	if err != nil {
		return domain.Errorf(domain.EINVALID, "%q is not a printer name.", name)
	}
	var h syscall.Handle
	if r, _, err := procOpenPrinter.Call(uintptr(unsafe.Pointer(pname)), uintptr(unsafe.Pointer(&h)), 0); r == 0 {
		return domain.Errorf(domain.EUNAVAILABLE, "Windows has no printer called %q (%v): check the name under Settings > Bluetooth & devices > Printers & scanners.", name, err)
	}
	defer procClosePrinter.Call(uintptr(h))
	doc, _ := syscall.UTF16PtrFromString("Tally receipt")
	raw, _ := syscall.UTF16PtrFromString("RAW")
	di := docInfo1{docName: doc, datatype: raw}
	if r, _, err := procStartDoc.Call(uintptr(h), 1, uintptr(unsafe.Pointer(&di))); r == 0 {
		return domain.Errorf(domain.EUNAVAILABLE, "Windows would not start a print job on %q (%v): check the printer, then print again.", name, err)
	}
	defer procEndDoc.Call(uintptr(h))
	if r, _, err := procStartPage.Call(uintptr(h)); r == 0 {
		return domain.Errorf(domain.EUNAVAILABLE, "Windows would not start a page on %q (%v).", name, err)
	}
	defer procEndPage.Call(uintptr(h))
	var written uint32
	if len(data) == 0 {
		return nil
	}
	if r, _, err := procWritePrinter.Call(uintptr(h), uintptr(unsafe.Pointer(&data[0])), uintptr(len(data)), uintptr(unsafe.Pointer(&written))); r == 0 || int(written) != len(data) {
		return domain.Errorf(domain.EUNAVAILABLE, "Printing on %q stopped after %d of %d bytes (%v): check the printer, then print again.", name, written, len(data), err)
	}
	return nil
}
