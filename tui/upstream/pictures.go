package upstream

import (
	"container/list"
	"sync"

	"github.com/snapdash/snapdash/client"
)

// pictureCache holds downloaded pictures up to a total of bytes, the
// least recently used going first.
type pictureCache struct {
	mu    sync.Mutex
	max   int64
	size  int64
	order *list.List // of *picture, most recent at the front
	byID  map[string]*list.Element
}

type picture struct {
	id  string
	img client.Image
}

func newPictureCache(max int64) *pictureCache {
	return &pictureCache{max: max, order: list.New(), byID: map[string]*list.Element{}}
}

func (c *pictureCache) get(id string) (client.Image, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byID[id]
	if !ok {
		return client.Image{}, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*picture).img, true
}

func (c *pictureCache) put(id string, img client.Image) {
	n := int64(len(img.Bytes))
	if n > c.max {
		return // bigger than the whole cache: not kept
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byID[id]; ok {
		c.size -= int64(len(e.Value.(*picture).img.Bytes))
		c.order.Remove(e)
	}
	c.byID[id] = c.order.PushFront(&picture{id: id, img: img})
	c.size += n
	for c.size > c.max {
		old := c.order.Back()
		p := old.Value.(*picture)
		c.order.Remove(old)
		delete(c.byID, p.id)
		c.size -= int64(len(p.img.Bytes))
	}
}
