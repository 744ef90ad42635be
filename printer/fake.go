package printer

import (
	"bytes"
	"net"
	"sync"
	"time"
)

// Fake is a network receipt printer on the loopback interface for tests
// and the screenshots: it keeps every job's bytes, answers the status
// questions (DLE EOT) as a real printer does, and can be out of paper,
// offline or switched off.
type Fake struct {
	ln   net.Listener
	mu   sync.Mutex
	jobs [][]byte
	// PaperOut and Offline are what the next status answers say.
	paperOut, offline bool
	got               chan struct{}
	wg                sync.WaitGroup
}

// NewFake starts a fake printer on 127.0.0.1 at a free port.
func NewFake() (*Fake, error) { return ListenFake("127.0.0.1:0") }

// ListenFake starts a fake printer listening on addr.
func ListenFake(addr string) (*Fake, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	f := &Fake{ln: ln, got: make(chan struct{}, 64)}
	f.wg.Add(1)
	go f.serve()
	return f, nil
}

// Addr is the printer's address, host:port.
func (f *Fake) Addr() string { return f.ln.Addr().String() }

// Close switches the printer off: connections are refused from now on.
func (f *Fake) Close() error {
	err := f.ln.Close()
	f.wg.Wait()
	return err
}

// SetPaperOut makes the printer report an empty roll (or a full one).
func (f *Fake) SetPaperOut(v bool) {
	f.mu.Lock()
	f.paperOut = v
	f.mu.Unlock()
}

// SetOffline makes the printer report itself offline (cover open).
func (f *Fake) SetOffline(v bool) {
	f.mu.Lock()
	f.offline = v
	f.mu.Unlock()
}

// Jobs returns the bytes of every job received so far (one a connection).
func (f *Fake) Jobs() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([][]byte, len(f.jobs))
	copy(out, f.jobs)
	return out
}

// Wait waits up to d for the next job to arrive, and reports whether one
// did.
func (f *Fake) Wait(d time.Duration) bool {
	select {
	case <-f.got:
		return true
	case <-time.After(d):
		return false
	}
}

// Last decodes the last job, with its status questions left out.
func (f *Fake) Last() (Printed, bool, error) {
	jobs := f.Jobs()
	if len(jobs) == 0 {
		return Printed{}, false, nil
	}
	p, err := Decode(jobs[len(jobs)-1])
	return p, true, err
}

func (f *Fake) serve() {
	defer f.wg.Done()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		f.wg.Add(1)
		go f.handle(c)
	}
}

// handle reads one job until the client closes, answering the DLE EOT 1
// and DLE EOT 4 questions asked before it.
func (f *Fake) handle(c net.Conn) {
	defer f.wg.Done()
	defer c.Close()
	var job, head bytes.Buffer
	started := false
	buf := make([]byte, 4096)
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	for {
		n, err := c.Read(buf)
		for _, b := range buf[:n] {
			if started {
				job.WriteByte(b)
				continue
			}
			head.WriteByte(b)
			h := head.Bytes()
			if h[0] != dle {
				started = true
				job.Write(h)
				continue
			}
			if len(h) == 3 {
				f.answer(c, h)
				head.Reset()
			}
		}
		if err != nil {
			break
		}
	}
	if job.Len() == 0 {
		return // only the status was asked: a refused print
	}
	f.mu.Lock()
	f.jobs = append(f.jobs, bytes.Clone(job.Bytes()))
	f.mu.Unlock()
	select {
	case f.got <- struct{}{}:
	default:
	}
}

// answer answers one DLE EOT n question.
func (f *Fake) answer(c net.Conn, q []byte) {
	if q[1] != eot {
		return
	}
	f.mu.Lock()
	var st byte = 0x12 // the bits always set in an answer
	switch q[2] {
	case 1:
		if f.offline {
			st |= 0x08
		}
	case 4:
		if f.paperOut {
			st |= 0x60
		}
	}
	f.mu.Unlock()
	_, _ = c.Write([]byte{st})
}
