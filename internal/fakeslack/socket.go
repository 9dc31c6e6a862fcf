package fakeslack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// maxAckSize is Slack's limit: acks of 20 KiB or more are silently dropped.
const maxAckSize = 20 * 1024

// Ack is an app's acknowledgement of an envelope.
type Ack struct {
	EnvelopeID string
	// Payload is the ack's payload (empty when the app acked without one).
	Payload json.RawMessage
	// Latency is the time from writing the envelope to reading its ack.
	Latency time.Duration
	// Request is the payload the fake sent in the envelope (trigger_id, response_url, …).
	Request json.RawMessage
}

// Empty reports whether the ack carried no payload (or an empty object).
func (a Ack) Empty() bool {
	p := string(a.Payload)
	return p == "" || p == "null" || p == "{}" || p == `""`
}

// Decode unmarshals the ack payload into v.
func (a Ack) Decode(v any) error {
	if a.Empty() {
		return errors.New("fakeslack: empty ack payload")
	}
	return json.Unmarshal(a.Payload, v)
}

type socket struct {
	conn      *websocket.Conn
	wmu       sync.Mutex
	closeOnce sync.Once
	closed    chan struct{}
	// disconnecting is set (under Server.mu) once a disconnect message was sent.
	disconnecting bool
}

func (k *socket) write(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	k.wmu.Lock()
	defer k.wmu.Unlock()
	_ = k.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return k.conn.WriteMessage(websocket.TextMessage, b)
}

// close drops the TCP connection without a close frame.
func (k *socket) close() {
	k.closeOnce.Do(func() {
		close(k.closed)
		_ = k.conn.Close()
	})
}

var upgrader = websocket.Upgrader{
	// slack-go sends Origin: https://api.slack.com, which gorilla's default check rejects.
	CheckOrigin: func(*http.Request) bool { return true },
}

func (s *Server) serveLink(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	valid := s.tickets[ticket] && !s.closed
	delete(s.tickets, ticket) // single use
	s.mu.Unlock()
	if !valid {
		http.Error(w, "invalid or used ticket", http.StatusUnauthorized)
		return
	}
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	k := &socket{conn: conn, closed: make(chan struct{})}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		k.close()
		return
	}
	n := len(s.sockets) + 1
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	hello := map[string]any{
		"type":            "hello",
		"num_connections": n,
		"debug_info":      map[string]any{"host": "applink-fake", "build_number": 1, "approximate_connection_time": 18060},
		"connection_info": map[string]any{"app_id": AppID},
	}
	if err := k.write(hello); err != nil {
		k.close()
		return
	}
	// A first PING straight away, so clients with a short OptionPingInterval are happy.
	_ = conn.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(5*time.Second))

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		k.close()
		return
	}
	s.sockets[k] = struct{}{}
	s.connectCount++
	s.wg.Add(1)
	s.notifyLocked()
	s.mu.Unlock()
	s.logf("socket connected (%d live)", n)

	go func() {
		defer s.wg.Done()
		s.pingLoop(k)
	}()
	s.readLoop(k)
}

func (s *Server) pingLoop(k *socket) {
	t := time.NewTicker(s.cfg.pingInterval)
	defer t.Stop()
	for {
		select {
		case <-k.closed:
			return
		case <-s.done:
			return
		case <-t.C:
			if err := k.conn.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(5*time.Second)); err != nil {
				s.dropSocket(k)
				return
			}
		}
	}
}

func (s *Server) readLoop(k *socket) {
	defer s.dropSocket(k)
	for {
		_, data, err := k.conn.ReadMessage()
		if err != nil {
			return
		}
		var msg struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(data, &msg) != nil || msg.EnvelopeID == "" {
			s.logf("ignoring websocket message %q", data)
			continue
		}
		ack := Ack{EnvelopeID: msg.EnvelopeID, Payload: msg.Payload}
		s.mu.Lock()
		ch, ok := s.pending[msg.EnvelopeID]
		if len(data) >= maxAckSize || !ok {
			// Slack drops oversized acks; acks for unknown or expired envelopes go nowhere.
			s.droppedAcks = append(s.droppedAcks, ack)
			ok = false
		} else {
			delete(s.pending, msg.EnvelopeID)
		}
		s.mu.Unlock()
		if ok {
			ch <- ack // buffered, one ack per envelope
		}
	}
}

func (s *Server) dropSocket(k *socket) {
	s.mu.Lock()
	if _, ok := s.sockets[k]; ok {
		delete(s.sockets, k)
		s.notifyLocked()
	}
	s.mu.Unlock()
	k.close()
}

// DroppedAcks returns acks the fake ignored: late (after the deadline), for unknown
// envelopes, or of 20 KiB or more (Slack drops those silently).
func (s *Server) DroppedAcks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ack(nil), s.droppedAcks...)
}

func (s *Server) liveLocked() []*socket {
	var out []*socket
	for k := range s.sockets {
		if !k.disconnecting {
			out = append(out, k)
		}
	}
	return out
}

// Connected returns the number of live sockets (not counting those sent a disconnect).
func (s *Server) Connected() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.liveLocked())
}

// ConnectCount returns how many websocket connections were accepted since New.
func (s *Server) ConnectCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connectCount
}

// WaitConnected waits until at least one live socket is connected.
func (s *Server) WaitConnected(ctx context.Context) error {
	err := s.waitFor(ctx, func() bool { return len(s.liveLocked()) > 0 })
	if err != nil {
		return fmt.Errorf("waiting for a Socket Mode connection: %w", err)
	}
	return nil
}

// WaitConnectCount waits until n connections were accepted in total (so n-1
// reconnects) and one socket is live.
func (s *Server) WaitConnectCount(ctx context.Context, n int) error {
	err := s.waitFor(ctx, func() bool { return s.connectCount >= n && len(s.liveLocked()) > 0 })
	if err != nil {
		return fmt.Errorf("waiting for connection #%d: %w", n, err)
	}
	return nil
}

// Disconnect sends {"type":"disconnect","reason":reason} on every live socket, as Slack
// does before rotating a connection ("warning", "refresh_requested", "link_disabled").
// No envelope is sent on those sockets afterwards; the fake closes them after the
// disconnect grace (WithDisconnectGrace) if the client has not. It returns how many
// sockets were told.
func (s *Server) Disconnect(reason string) int {
	s.mu.Lock()
	live := s.liveLocked()
	for _, k := range live {
		k.disconnecting = true
	}
	s.notifyLocked()
	s.mu.Unlock()
	msg := map[string]any{"type": "disconnect", "reason": reason, "debug_info": map[string]any{"host": "applink-fake"}}
	for _, k := range live {
		if err := k.write(msg); err != nil {
			s.dropSocket(k)
			continue
		}
		time.AfterFunc(s.cfg.disconnectTTL, func() { s.dropSocket(k) })
	}
	return len(live)
}

// DropConnections closes every socket abruptly (no close frame, no disconnect message),
// like a network failure. It returns how many sockets were dropped.
func (s *Server) DropConnections() int {
	s.mu.Lock()
	var all []*socket
	for k := range s.sockets {
		all = append(all, k)
	}
	s.mu.Unlock()
	for _, k := range all {
		s.dropSocket(k)
	}
	return len(all)
}

// deliver sends an envelope to one live socket (chosen at random, waiting for one if
// none is connected) and waits for its ack until the ack deadline.
func (s *Server) deliver(ctx context.Context, typ string, payload any) (Ack, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return Ack{}, err
	}
	envID := newEnvelopeID()
	env := map[string]any{
		"envelope_id":              envID,
		"type":                     typ,
		"payload":                  json.RawMessage(body),
		"accepts_response_payload": typ != "events_api",
	}
	if typ == "events_api" {
		env["retry_attempt"] = 0
		env["retry_reason"] = ""
	}
	ch := make(chan Ack, 1)
	s.mu.Lock()
	s.pending[envID] = ch
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.pending, envID)
		s.mu.Unlock()
	}()

	var start time.Time
	for {
		var k *socket
		err := s.waitFor(ctx, func() bool {
			live := s.liveLocked()
			if len(live) == 0 {
				return false
			}
			k = live[rand.IntN(len(live))] //nolint:gosec // spreading load, not security
			return true
		})
		if err != nil {
			return Ack{EnvelopeID: envID, Request: body}, fmt.Errorf("delivering %s envelope: no Socket Mode connection: %w", typ, err)
		}
		start = time.Now()
		if err := k.write(env); err != nil {
			s.dropSocket(k)
			continue
		}
		break
	}
	s.logf("sent %s envelope %s", typ, envID)

	timer := time.NewTimer(s.cfg.ackDeadline)
	defer timer.Stop()
	select {
	case a := <-ch:
		a.Latency = time.Since(start)
		a.Request = body
		s.logf("ack %s after %v: %s", envID, a.Latency, a.Payload)
		return a, nil
	case <-timer.C:
		return Ack{EnvelopeID: envID, Request: body}, fmt.Errorf("%s envelope %s: %w (%v)", typ, envID, ErrAckTimeout, s.cfg.ackDeadline)
	case <-ctx.Done():
		return Ack{EnvelopeID: envID, Request: body}, fmt.Errorf("%s envelope %s: %w", typ, envID, ctx.Err())
	case <-s.done:
		return Ack{EnvelopeID: envID, Request: body}, ErrClosed
	}
}

// SendEnvelope delivers an arbitrary envelope (type "events_api", "interactive" or
// "slash_commands") with payload and waits for its ack. Prefer the typed helpers.
func (s *Server) SendEnvelope(ctx context.Context, typ string, payload any) (Ack, error) {
	return s.deliver(ctx, typ, payload)
}
