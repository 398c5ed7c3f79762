package client

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

const interactionsPath = "/rtc-api/interactions"

// maxInteractionPages bounds how many pages ListInteractions follows, so a
// server that keeps reporting more pages cannot keep it busy forever.
const maxInteractionPages = 1000

// ListInteractions returns the interactions created between start and end,
// following the pages (page=1, 2, …) when the first answer reports more than
// one. Each page is one call with its own timeout.
func (c *Client) ListInteractions(ctx context.Context, start, end time.Time) ([]Interaction, error) {
	const op = "list interactions"
	switch {
	case start.IsZero() || end.IsZero():
		return nil, &ValidationError{Op: op, Field: "start/end", Reason: "are required"}
	case end.Before(start):
		return nil, &ValidationError{Op: op, Field: "end", Reason: "is before start"}
	}
	q := url.Values{
		"start": {start.UTC().Format(time.RFC3339Nano)},
		"end":   {end.UTC().Format(time.RFC3339Nano)},
	}
	var all []Interaction
	seen := make(map[string]bool)
	for page := 0; ; page++ {
		if page > 0 {
			q.Set("page", strconv.Itoa(page))
		}
		var p InteractionPage
		if err := c.getJSON(ctx, op, pageID(page), interactionsPath, q, listBodyLimit, &p); err != nil {
			return nil, err
		}
		for _, in := range p.Content {
			// Pages shift when interactions are created while we read:
			// keep each one once.
			if in.ID != "" && seen[in.ID] {
				continue
			}
			seen[in.ID] = true
			all = append(all, in)
		}
		if page+1 >= p.TotalPages || len(p.Content) == 0 {
			break
		}
		if page+1 >= maxInteractionPages {
			return nil, badResponse(op, "", "more than %d pages", maxInteractionPages)
		}
	}
	if all == nil {
		all = []Interaction{}
	}
	return all, nil
}

func pageID(page int) string {
	if page == 0 {
		return ""
	}
	return fmt.Sprintf("page %d", page)
}

// GetInteraction returns one interaction.
func (c *Client) GetInteraction(ctx context.Context, id string) (Interaction, error) {
	const op = "get interaction"
	seg, err := pathID(op, "interactionId", id)
	if err != nil {
		return Interaction{}, err
	}
	var in Interaction
	if err := c.getJSON(ctx, op, id, interactionsPath+"/"+seg, nil, objectBodyLimit, &in); err != nil {
		return Interaction{}, err
	}
	return in, nil
}
