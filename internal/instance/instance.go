// Package instance keeps one Tally per database on a computer: the first
// to start on a database listens on a loopback port derived from the
// database's path; a second start finds the port taken, asks the first to
// come forward, and stops.
package instance

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// ErrRunning is returned by Acquire when Tally already runs on the
// database: the running one was asked to bring its window forward.
var ErrRunning = errors.New("Tally is already running on this data: its window was brought forward")

// Lock is this process's claim on a database, held until Release.
type Lock struct {
	ln    net.Listener
	token string
	done  chan struct{}
}

// portOf is the loopback port of a database: a hash of its path, in the
// dynamic range.
func portOf(key string) (int, string) {
	sum := sha256.Sum256([]byte(key))
	port := 49152 + int(binary.BigEndian.Uint16(sum[:2]))%(65535-49152)
	return port, fmt.Sprintf("tally %x", sum[:8])
}

// Acquire claims the database named key (its path or server address) for
// this process. When another Tally holds it, it asks that one to come
// forward and returns ErrRunning. When the port is taken by something
// that is not Tally, it returns a Lock that guards nothing and the reason
// (the caller logs it and goes on). show is called, on its own
// goroutine, each time a second start asks this one to come forward.
func Acquire(key string, show func()) (*Lock, error) {
	port, token := portOf(key)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for try := 0; try < 2; try++ {
		ln, err := net.Listen("tcp", addr)
		if err == nil {
			l := &Lock{ln: ln, token: token, done: make(chan struct{})}
			go l.serve(show)
			return l, nil
		}
		switch ask(addr, token) {
		case nil:
			return nil, ErrRunning
		case errNotTally:
			return &Lock{}, fmt.Errorf("port %d is taken by another program: a second Tally on this data would not be noticed", port)
		}
		// The other one was just stopping: try once more.
		time.Sleep(300 * time.Millisecond)
	}
	return &Lock{}, fmt.Errorf("port %d could not be claimed", port)
}

var errNotTally = errors.New("not Tally")

// ask asks the Tally at addr to come forward; errNotTally when what
// answers is something else.
func ask(addr, token string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := fmt.Fprintf(c, "%s show\n", token); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return errNotTally
	}
	if strings.TrimSpace(line) != token+" ok" {
		return errNotTally
	}
	return nil
}

func (l *Lock) serve(show func()) {
	defer close(l.done)
	for {
		c, err := l.ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(2 * time.Second))
			line, err := bufio.NewReader(c).ReadString('\n')
			if err != nil || strings.TrimSpace(line) != l.token+" show" {
				return // not another Tally of this database
			}
			fmt.Fprintf(c, "%s ok\n", l.token)
			if show != nil {
				show()
			}
		}()
	}
}

// Release gives the database up.
func (l *Lock) Release() {
	if l == nil || l.ln == nil {
		return
	}
	l.ln.Close()
	<-l.done
}
