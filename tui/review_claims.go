package tui

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/sanitize"
	"github.com/snapdash/snapdash/team"
	"github.com/snapdash/snapdash/tui/review"
	"github.com/snapdash/snapdash/views/confirm"
	"github.com/snapdash/snapdash/views/events"
)

// Team review (Options.Team), part of the review room: the picture
// awaiting review under the cursor is claimed for this reviewer while it
// stays selected, so that the others' n and N skip it and their tables
// show who has it (◎ ada). Moving away, approving, discarding and quitting
// release it. Acting on a picture someone else claimed asks first.

// teamState is the dashboard's side of the team claims.
type teamState struct {
	// on is the selected picture awaiting review the claim was asked for
	// ("" when none).
	on string
	// dir is the queue step (n: 1, N: -1) that opened on, 0 when the
	// reviewer selected it: a claim lost to someone quicker moves on.
	dir int
	// stepped is set by queueStep for the next syncClaim.
	stepped int
	// why is the team broker's last connection failure, as said.
	why string
	// override is the picture the reviewer said y to acting on anyway.
	override string
}

// teamMsg says the team's claims changed.
type teamMsg struct{}

// waitTeam waits for the next change of the team's claims.
func (m *reviewRoom) waitTeam() tea.Cmd {
	r := m.opts.Team
	if r == nil {
		return nil
	}
	ctx := m.ctx
	return func() tea.Msg {
		select {
		case <-r.Signal():
			return teamMsg{}
		case <-ctx.Done():
			return nil
		}
	}
}

// holderName is who else holds snapshot id, sanitized, "" when nobody.
func (m *reviewRoom) holderName(id string) string {
	if m.opts.Team == nil {
		return ""
	}
	who, ok := m.opts.Team.Holder(id)
	if !ok {
		return ""
	}
	if who = sanitize.Truncate(sanitize.Line(who), 16); who == "" {
		who = "someone"
	}
	return who
}

// claimedByOther reports whether someone else is reviewing snapshot id.
func (m *reviewRoom) claimedByOther(id string) bool { return m.holderName(id) != "" }

// syncClaim claims the selected picture when it awaits review and
// releases the one claimed before; the root calls it after every message.
// A claim lost at once after n moves on, and the next picture is claimed
// in the same call.
func (m *reviewRoom) syncClaim() tea.Cmd {
	m.teamWhy()
	var cmds []tea.Cmd
	for range 16 {
		cmds = append(cmds, m.syncClaim1())
		if m.team.stepped == 0 {
			break
		}
	}
	return tea.Batch(cmds...)
}

func (m *reviewRoom) syncClaim1() tea.Cmd {
	r := m.opts.Team
	if r == nil {
		return nil
	}
	want := ""
	// Only a row the reviewer opened (n, N, moving, a click): not the one
	// the table starts on, so an idle dashboard claims nothing.
	if !m.readOnly() && m.opened() {
		if row, ok := m.selectedRow(); ok {
			// Uploaded in the store: an approval in flight keeps the claim
			// until the server answers.
			if _, rec := m.store.row(row.Snapshot.ID); rec != nil && rec.State == client.StateUploaded {
				want = rec.ID
			}
		}
	}
	dir := m.team.stepped
	m.team.stepped = 0
	if want == m.team.on {
		return nil
	}
	if old := m.team.on; old != "" {
		r.Release(old)
	}
	m.team.on, m.team.dir = want, dir
	if want == "" {
		return nil
	}
	return m.claim(want)
}

// claim asks for the claim on id and says what became of it when known.
func (m *reviewRoom) claim(id string) tea.Cmd {
	st, who := m.opts.Team.Claim(id)
	switch st {
	case team.Taken:
		who = orDefault(sanitize.Truncate(sanitize.Line(who), 16), "someone")
		if m.team.dir != 0 {
			// n and N skip claimed pictures; this one was claimed just now.
			return m.claimLost(id, who)
		}
		m.setStatusInfo(who + " is reviewing this picture")
	case team.Queued:
		m.setStatusInfo("team: offline — " + short(id) + " is claimed here only until the team broker is back")
	}
	return nil
}

// claimLost says someone was quicker and, when n or N opened the picture,
// moves on to the next one.
func (m *reviewRoom) claimLost(id, who string) tea.Cmd {
	m.store.bump(id)
	if m.team.dir == 0 {
		m.setStatusInfo(who + " claimed " + short(id) + " first and is reviewing it")
		return nil
	}
	dir := m.team.dir
	cmd := m.queueStep(dir)
	if m.team.stepped == 0 { // nowhere to go: every other one is taken
		m.logEvent(events.Notice, who+" claimed "+short(id)+" first")
		m.status.Text = who + " claimed " + short(id) + " first · " + m.status.Text
		return cmd
	}
	m.logEvent(events.Notice, who+" claimed "+short(id)+" first; moved on")
	m.status.Text = who + " claimed " + short(id) + " first — moved on · " + m.status.Text
	return cmd
}

// onTeam applies the changes of the team's claims.
func (m *reviewRoom) onTeam() tea.Cmd {
	r := m.opts.Team
	var cmds []tea.Cmd
	for _, ev := range r.Events() {
		switch ev.Kind {
		case team.Changed, team.Won:
			m.store.bump(ev.SnapshotID)
			if ev.Kind == team.Changed && ev.SnapshotID == m.team.on && !r.Holds(ev.SnapshotID) && !m.claimedByOther(ev.SnapshotID) {
				// Freed while we look at it: ours now.
				m.team.dir = 0
				cmds = append(cmds, m.claim(ev.SnapshotID))
			}
		case team.Lost:
			m.store.bump(ev.SnapshotID)
			if ev.SnapshotID == m.team.on {
				who := orDefault(sanitize.Truncate(sanitize.Line(ev.Holder), 16), "someone")
				cmds = append(cmds, m.claimLost(ev.SnapshotID, who))
			}
		case team.Offline:
			m.logEvent(events.Error, "team: offline — the others do not see your claims until the team broker is back")
		case team.Online:
			m.logEvent(events.OK, "team: online")
		case team.Unreachable:
			m.teamWhy()
		}
	}
	return tea.Batch(append(cmds, m.waitTeam())...)
}

// teamWhy says in the events pane why the team broker cannot be reached,
// once per reason (the header only says "team: offline").
func (m *reviewRoom) teamWhy() {
	r := m.opts.Team
	if r == nil {
		return
	}
	why := ""
	if err := r.Err(); err != nil {
		why = sanitize.Line(err.Error())
	}
	if why != "" && why != m.team.why {
		m.logEvent(events.Error, "team broker: "+why)
	}
	m.team.why = why
}

// teamHeader is the header's team note: "team: offline" while the broker
// is away ("team: connecting" before it first answered).
func (m *reviewRoom) teamHeader() string {
	switch r := m.opts.Team; {
	case r == nil || r.Online():
		return ""
	case r.Connecting():
		return "team: connecting"
	}
	return "team: offline"
}

// ClaimOverride is y to acting on a picture someone else is reviewing.
type ClaimOverride struct {
	Kind review.Kind
	ID   string
}

// claimGuard asks before approving or discarding the selected picture
// when someone else is reviewing it; it reports whether it asked (the
// caller then stops). Without the team broker it only warns.
func (m *reviewRoom) claimGuard(k review.Kind) bool {
	r := m.opts.Team
	row, ok := m.selectedRow()
	if r == nil || !ok {
		return false
	}
	id := row.Snapshot.ID
	if m.team.override == id {
		m.team.override = ""
		return false
	}
	who := m.holderName(id)
	if who == "" {
		if !r.Online() {
			m.logEvent(events.Error, "team: offline — the others are not told you are reviewing "+short(id))
		}
		return false
	}
	m.openDialog(&confirmDialog{m: confirm.New(m.st, "claimed", "Someone is reviewing this",
		who+" is reviewing this — "+k.String()+" anyway?", ClaimOverride{Kind: k, ID: id})}, id)
	return true
}

// onClaimOverride goes on with the action the reviewer said y to.
func (m *reviewRoom) onClaimOverride(o ClaimOverride) tea.Cmd {
	if row, ok := m.selectedRow(); !ok || row.Snapshot.ID != o.ID {
		return nil
	}
	m.team.override = o.ID
	if o.Kind == review.Approve {
		return m.openApprove()
	}
	m.team.override = ""
	return m.review1(review.Op{Kind: review.Discard, SnapshotID: o.ID})
}

// skipClaimed drops the pictures someone else is reviewing from ids.
func (m *reviewRoom) skipClaimed(ids []string) (kept []string, skipped int) {
	for _, id := range ids {
		if m.claimedByOther(id) {
			skipped++
			continue
		}
		kept = append(kept, id)
	}
	return kept, skipped
}

// teamQuit releases the claims as the dashboard quits.
func (m *reviewRoom) teamQuit() {
	if m.opts.Team != nil {
		m.opts.Team.ReleaseAllBut("")
		m.team.on = ""
	}
}

// teamLeave leaves the team as the dashboard closes: the others see its
// claims go.
func (m *reviewRoom) teamLeave() {
	if m.opts.Team != nil {
		m.opts.Team.Leave()
	}
}
