/** Helpers for tests of the SVG pictures. */

/**
 * A strict well-formedness check of the XML the demo writes: one root element, properly nested and
 * matched tags, quoted attribute values without `<`, no duplicate attribute, and no `&` that does not
 * start an entity. Returns the text content of every element.
 */
export const parseXml = (xml: string): ReadonlyArray<string> => {
  const entity = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g
  const checkText = (s: string, where: string): void => {
    if (s.replace(entity, '').includes('&')) throw new Error(`bare & in ${where}: ${s.slice(0, 60)}`)
  }
  const token =
    /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*"[^"<]*")*)\s*(\/?)>|<!--[\s\S]*?-->|<\?xml[^>]*\?>|([^<]+)|</g
  const attribute = /([A-Za-z_][\w.:-]*)\s*=\s*"([^"]*)"/g
  const stack: Array<string> = []
  const texts: Array<string> = []
  let roots = 0
  for (const m of xml.matchAll(token)) {
    const [whole, close, name, attrs, selfClose, text] = m
    if (text !== undefined) {
      if (stack.length === 0 && text.trim() !== '')
        throw new Error(`text outside the root: ${text.slice(0, 40)}`)
      checkText(text, 'text')
      if (text.trim() !== '') texts.push(text.trim())
      continue
    }
    if (name === undefined) {
      if (whole === '<')
        throw new Error(`malformed markup at offset ${m.index}: ${xml.slice(m.index, m.index + 40)}`)
      continue // a comment or the XML declaration
    }
    if (close === '/') {
      if (stack.pop() !== name) throw new Error(`</${name}> does not close the open element`)
      continue
    }
    const seen = new Set<string>()
    for (const [, attr, value] of (attrs ?? '').matchAll(attribute)) {
      if (seen.has(attr as string)) throw new Error(`duplicate attribute ${attr} on <${name}>`)
      seen.add(attr as string)
      checkText(value as string, `attribute ${attr} of <${name}>`)
    }
    if (stack.length === 0 && ++roots > 1) throw new Error('more than one root element')
    if (selfClose !== '/') stack.push(name)
  }
  if (stack.length > 0) throw new Error(`unclosed elements: ${stack.join(', ')}`)
  if (roots !== 1) throw new Error('no root element')
  return texts
}
