package bodyview

import (
	"fmt"

	"fyne.io/fyne/v2/theme"
)

// hexDoc shows bytes 16 to a row: offset, hex, ASCII. Rows are made when
// drawn; nothing is stored but the bytes.
//
//	00000000  7b 22 69 64 22 3a 31 2c  22 6e 61 6d 65 22 3a 22  |{"id":1,"name":"|
type hexDoc struct {
	data []byte
}

const (
	hexPerRow   = 16
	hexOffCols  = 8                // offset digits
	hexFirstCol = hexOffCols + 2   // first hex digit
	hexBarCol   = hexFirstCol + 50 // the '|' before the ASCII column
)

func (h *hexDoc) rows() int { return (len(h.data) + hexPerRow - 1) / hexPerRow }

func (h *hexDoc) rowOf(off int) int { return min(off/hexPerRow, max(h.rows()-1, 0)) }

// hexCol returns the column of the first hex digit of byte j of a row.
func hexCol(j int) int {
	c := hexFirstCol + 3*j
	if j >= 8 {
		c++
	}
	return c
}

func (h *hexDoc) row(i int) (b []byte, indent, off int) {
	off = i * hexPerRow
	chunk := h.data[off:min(off+hexPerRow, len(h.data))]
	line := make([]byte, 0, hexBarCol+hexPerRow+2)
	line = fmt.Appendf(line, "%08x  ", off)
	for j := range hexPerRow {
		if j == 8 {
			line = append(line, ' ')
		}
		if j < len(chunk) {
			line = append(line, hexDigits[chunk[j]>>4], hexDigits[chunk[j]&15], ' ')
		} else {
			line = append(line, ' ', ' ', ' ')
		}
	}
	line = append(line, ' ', '|')
	for _, c := range chunk {
		if c < 0x20 || c >= 0x7f {
			c = '.'
		}
		line = append(line, c)
	}
	line = append(line, '|')
	return line, 0, off
}

const hexDigits = "0123456789abcdef"

// cells implements cellMapper: a byte shows as two hex digits and one
// ASCII character.
func (h *hexDoc) cells(i, a, z int) [][2]int {
	start := i * hexPerRow
	a, z = max(a, start)-start, min(z, start+hexPerRow, len(h.data))-start
	if z <= a {
		return nil
	}
	return [][2]int{
		{hexCol(a), hexCol(z-1) + 2},
		{hexBarCol + 1 + a, hexBarCol + 1 + z},
	}
}

// staticSpans implements staticSpanner: the offset and the bars are grey.
func (h *hexDoc) staticSpans(_ int, line []byte) []hlSpan {
	end := int32(len(line))
	return []hlSpan{
		{0, hexOffCols, theme.ColorNamePlaceHolder},
		{hexBarCol, hexBarCol + 1, theme.ColorNamePlaceHolder},
		{end - 1, end, theme.ColorNamePlaceHolder},
	}
}
