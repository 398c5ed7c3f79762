package upstream

import (
	"github.com/snapdash/snapdash/client"
	"github.com/snapdash/snapdash/internal/bytecache"
)

// pictureCache holds downloaded pictures up to a total of bytes, the
// least recently used going first: the project's one byte-bounded cache
// (internal/bytecache), as the dashboard's picture cache.
type pictureCache struct {
	c *bytecache.Cache[string, client.Image]
}

func newPictureCache(max int64) *pictureCache {
	return &pictureCache{c: bytecache.New[string, client.Image](max, nil)}
}

func (c *pictureCache) get(id string) (client.Image, bool) { return c.c.Get(id) }

func (c *pictureCache) put(id string, img client.Image) {
	c.c.Put(id, img, int64(len(img.Bytes)))
}
