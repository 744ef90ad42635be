package domain

import "sync"

// Connection holds the Gateway for the shop's current Stripe settings. Screens
// and services ask it for the gateway at the moment they need one, so a change
// of keys or mode takes effect without a restart.
type Connection struct {
	connector Connector
	demo      Gateway

	mu        sync.RWMutex
	gw        Gateway
	mode      Mode
	listeners []func(Mode)
}

// NewConnection returns a Connection in demo mode on the demo gateway (the
// simulator).
func NewConnection(connector Connector, demo Gateway) *Connection {
	return &Connection{connector: connector, demo: demo, gw: demo, mode: ModeDisabled}
}

// Gateway returns the gateway in use and its mode (ModeDisabled for demo).
func (c *Connection) Gateway() (Gateway, Mode) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gw, c.mode
}

// Mode returns the mode in use.
func (c *Connection) Mode() Mode {
	_, m := c.Gateway()
	return m
}

// Use switches to creds; ModeDisabled or an empty key switch to demo mode.
// Listeners registered with OnChange are told the new mode.
func (c *Connection) Use(creds Credentials) error {
	gw, mode := c.demo, ModeDisabled
	if creds.Mode != ModeDisabled && creds.SecretKey != "" {
		g, err := c.connector.Connect(creds)
		if err != nil {
			return err
		}
		gw, mode = g, creds.Mode
	}
	c.mu.Lock()
	c.gw, c.mode = gw, mode
	ls := append([]func(Mode){}, c.listeners...)
	c.mu.Unlock()
	for _, fn := range ls {
		fn(mode)
	}
	return nil
}

// OnChange registers fn to be called, on the goroutine that called Use, after
// every switch.
func (c *Connection) OnChange(fn func(Mode)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.listeners = append(c.listeners, fn)
}
