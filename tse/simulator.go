// Package tse implements domain.TSE: fiskaly SIGN DE, a cloud TSE
// (fiskaly.go), and a simulator for demo mode and tests (this file), both
// held to one contract suite.
package tse

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"sync"
	"time"

	"tally/domain"
)

// Simulator is a TSE in this process: transactions numbered, a signature
// counter, times from its clock (whole seconds, unixTime), and signatures made with an ECDSA P-256
// key of its own (ecdsa-plain-SHA256, the signature's r and s side by
// side) over domain.TSESignedMessage. With a path it keeps its key and its
// transactions in that file, so that a demo till's TSE outlives a restart.
// Nothing it signs is lawful: Info says it is simulated, and receipts say so.
type Simulator struct {
	mu    sync.Mutex
	path  string
	key   *ecdsa.PrivateKey
	state simState
	now   func() time.Time
	// down makes every call fail as an unreachable TSE does.
	down bool
}

type simState struct {
	Key          string // PKCS #8, base64
	ClientSerial string
	Number       int64
	Counter      int64
	Txs          map[string]domain.TSETransaction
}

// NewSimulator opens the simulator kept at path (a new one when the file
// does not exist; in memory only when path is empty).
func NewSimulator(path, clientSerial string) (*Simulator, error) {
	s := &Simulator{path: path, now: time.Now, state: simState{ClientSerial: clientSerial, Txs: map[string]domain.TSETransaction{}}}
	if path != "" {
		b, err := os.ReadFile(path)
		if err == nil {
			if err := json.Unmarshal(b, &s.state); err != nil {
				return nil, fmt.Errorf("the TSE simulator's file %s is damaged: %w", path, err)
			}
			if s.state.Txs == nil {
				s.state.Txs = map[string]domain.TSETransaction{}
			}
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	if s.state.Key != "" {
		der, err := base64.StdEncoding.DecodeString(s.state.Key)
		if err != nil {
			return nil, err
		}
		k, err := x509.ParsePKCS8PrivateKey(der)
		if err != nil {
			return nil, err
		}
		ek, ok := k.(*ecdsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("the TSE simulator's key is not an ECDSA key")
		}
		s.key = ek
	} else {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			return nil, err
		}
		s.key, s.state.Key = k, base64.StdEncoding.EncodeToString(der)
		if err := s.save(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// SetClock makes the simulator read the time from now (tests).
func (s *Simulator) SetClock(now func() time.Time) { s.mu.Lock(); s.now = now; s.mu.Unlock() }

// SetDown makes the simulated TSE unreachable (true) or back (false).
func (s *Simulator) SetDown(down bool) { s.mu.Lock(); s.down = down; s.mu.Unlock() }

func (s *Simulator) save() error {
	if s.path == "" {
		return nil
	}
	b, err := json.Marshal(s.state)
	if err != nil {
		return err
	}
	tmp := s.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, s.path)
}

var errDown = domain.Errorf(domain.EUNAVAILABLE, "The TSE does not answer.")

// PublicKey returns the key receipts are checked against.
func (s *Simulator) PublicKey() *ecdsa.PublicKey { return &s.key.PublicKey }

func (s *Simulator) publicKey() (b64, serial string) {
	der, _ := x509.MarshalPKIXPublicKey(&s.key.PublicKey)
	sum := sha256.Sum256(der)
	return base64.StdEncoding.EncodeToString(der), hex.EncodeToString(sum[:])
}

// Info implements domain.TSE.
func (s *Simulator) Info(context.Context) (domain.TSEInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return domain.TSEInfo{}, errDown
	}
	pub, serial := s.publicKey()
	return domain.TSEInfo{Provider: "Tally's TSE simulator", Serial: serial, PublicKey: pub, Algorithm: domain.TSEAlgorithm,
		TimeFormat: domain.TSETimeUnix, CertificateID: "none (simulated)", ClientSerial: s.state.ClientSerial, Simulated: true}, nil
}

// Start implements domain.TSE.
func (s *Simulator) Start(_ context.Context, id string) (domain.TSETransaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return domain.TSETransaction{}, errDown
	}
	if id == "" {
		return domain.TSETransaction{}, domain.Errorf(domain.EINVALID, "a TSE transaction needs an id")
	}
	if tx, ok := s.state.Txs[id]; ok {
		return tx, nil // started before: the same transaction
	}
	s.state.Number++
	s.state.Counter++ // the start's log message is signed too
	tx := domain.TSETransaction{ID: id, State: domain.TSEActive, Number: s.state.Number, Start: s.now().UTC().Truncate(time.Second),
		ProcessType: domain.TSEProcessType}
	s.state.Txs[id] = tx
	return tx, s.save()
}

// Finish implements domain.TSE.
func (s *Simulator) Finish(_ context.Context, id string, data domain.TSEProcessData) (domain.TSETransaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return domain.TSETransaction{}, errDown
	}
	tx, ok := s.state.Txs[id]
	if !ok {
		return tx, domain.Errorf(domain.ENOTFOUND, "The TSE has no transaction %s: start it first.", id)
	}
	if tx.State != domain.TSEActive {
		return tx, nil // finished before: answered as it was
	}
	s.state.Counter++
	tx.Counter = s.state.Counter
	tx.End = s.now().UTC().Truncate(time.Second)
	tx.ProcessData = data.String()
	tx.State = domain.TSEFinished
	if data.Type == domain.TSEReceiptCancel {
		tx.State = domain.TSECancelled
	}
	digest := sha256.Sum256([]byte(domain.TSESignedMessage(s.state.ClientSerial, tx)))
	r, sig, err := ecdsa.Sign(rand.Reader, s.key, digest[:])
	if err != nil {
		return tx, err
	}
	tx.Signature = base64.StdEncoding.EncodeToString(append(fixed32(r), fixed32(sig)...))
	s.state.Txs[id] = tx
	return tx, s.save()
}

// fixed32 writes n big-endian in 32 bytes, as ecdsa-plain does.
func fixed32(n *big.Int) []byte {
	b := make([]byte, 32)
	return n.FillBytes(b)
}

// Transaction implements domain.TSE.
func (s *Simulator) Transaction(_ context.Context, id string) (domain.TSETransaction, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return domain.TSETransaction{}, errDown
	}
	tx, ok := s.state.Txs[id]
	if !ok {
		return tx, domain.Errorf(domain.ENOTFOUND, "The TSE has no transaction %s.", id)
	}
	return tx, nil
}

// Verify checks a receipt's signature against a public key (base64 PKIX)
// as the simulator makes it.
func Verify(publicKey, clientSerial string, tx domain.TSETransaction) error {
	der, err := base64.StdEncoding.DecodeString(publicKey)
	if err != nil {
		return err
	}
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return err
	}
	pub, ok := k.(*ecdsa.PublicKey)
	if !ok {
		return fmt.Errorf("not an ECDSA key")
	}
	sig, err := base64.StdEncoding.DecodeString(tx.Signature)
	if err != nil || len(sig) != 64 {
		return fmt.Errorf("the signature is not 64 bytes of ecdsa-plain")
	}
	digest := sha256.Sum256([]byte(domain.TSESignedMessage(clientSerial, tx)))
	if !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return fmt.Errorf("the signature does not match the receipt")
	}
	return nil
}
