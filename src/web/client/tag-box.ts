// Where a tag's box (the API's `box`: fractions of the upright picture) falls on an <img> as the
// page draws it. The picture fills the element's box only when object-fit is `fill` (the default)
// or the two have one shape; otherwise it is letterboxed (contain, scale-down, none) or cropped
// (cover), placed by object-position. No DOM here: the numbers come from tag-outline.ts.

/** A rectangle: the top-left corner and the size, as fractions of what it lies in. */
export interface Area {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Size {
  width: number;
  height: number;
}

const WHOLE: Area = { x: 0, y: 0, w: 1, h: 1 };

/**
 * The part of the element's box the picture covers, in fractions of that box (beyond 0–1 where
 * `cover` crops). `fit` and `position` are the computed object-fit and object-position.
 */
export function pictureArea(element: Size, natural: Size, fit: string, position: string): Area {
  if (element.width <= 0 || element.height <= 0 || natural.width <= 0 || natural.height <= 0)
    return WHOLE;
  const contain = Math.min(element.width / natural.width, element.height / natural.height);
  const scales: Record<string, number> = {
    contain,
    cover: Math.max(element.width / natural.width, element.height / natural.height),
    none: 1,
    'scale-down': Math.min(contain, 1),
  };
  const scale = scales[fit];
  if (scale === undefined) return WHOLE; // fill: stretched over the whole box
  const width = natural.width * scale;
  const height = natural.height * scale;
  const [left, top] = offsets(position, element.width - width, element.height - height);
  return {
    x: left / element.width,
    y: top / element.height,
    w: width / element.width,
    h: height / element.height,
  };
}

/**
 * object-position as computed ("50% 50%", "10px 0%"): each offset from the free room (negative
 * when cropped). Anything else (a calc(), say) is read as centred, the default.
 */
function offsets(position: string, roomX: number, roomY: number): [number, number] {
  const parts = position.trim().split(/\s+/);
  const offset = (part: string | undefined, room: number): number => {
    const match = /^(-?[\d.]+)(%|px)$/.exec(part ?? '');
    if (!match) return room / 2;
    const value = Number(match[1]);
    return match[2] === '%' ? (value / 100) * room : value;
  };
  return parts.length === 2
    ? [offset(parts[0], roomX), offset(parts[1], roomY)]
    : [roomX / 2, roomY / 2];
}

/** A box given in fractions of the picture, in fractions of the element's box. */
export function boxOnElement(box: Area, picture: Area): Area {
  return {
    x: picture.x + box.x * picture.w,
    y: picture.y + box.y * picture.h,
    w: box.w * picture.w,
    h: box.h * picture.h,
  };
}
