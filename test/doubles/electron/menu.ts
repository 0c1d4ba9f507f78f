/**
 * `Menu`: the application menu as built from its template. An accelerator pressed by the test runs
 * the item that has it (with the focused window), as Electron's menu does.
 */
import type { BaseWindow, KeyboardEvent, Menu, MenuItem, MenuItemConstructorOptions } from 'electron';
import type { MenuItemSnapshot } from './protocol.ts';
import { BrowserWindowDouble } from './windows.ts';

/** Electron's statics with the double's Menu in place of Electron's: same names, same parameters. */
type MenuStatics = {
  buildFromTemplate(...args: Parameters<typeof Menu.buildFromTemplate>): MenuDouble;
  setApplicationMenu(menu: MenuDouble | null): void;
  getApplicationMenu(): MenuDouble | null;
};

export class MenuDouble {
  private static applicationMenu: MenuDouble | null = null;
  constructor(readonly template: MenuItemConstructorOptions[]) {}

  static buildFromTemplate(template: Array<MenuItemConstructorOptions | MenuItem>): MenuDouble {
    return new MenuDouble(template as MenuItemConstructorOptions[]);
  }

  static setApplicationMenu(menu: MenuDouble | null): void {
    MenuDouble.applicationMenu = menu;
  }

  static getApplicationMenu(): MenuDouble | null {
    return MenuDouble.applicationMenu;
  }

  snapshot(): MenuItemSnapshot[] {
    const describe = (items: MenuItemConstructorOptions[]): MenuItemSnapshot[] =>
      items.map((item) => ({
        label: item.label,
        role: item.role,
        accelerator: typeof item.accelerator === 'string' ? item.accelerator : undefined,
        type: item.type,
        clickable: typeof item.click === 'function',
        submenu: Array.isArray(item.submenu) ? describe(item.submenu as MenuItemConstructorOptions[]) : undefined,
      }));
    return describe(this.template);
  }

  /** Runs the enabled item with this accelerator; false when no item has it. */
  press(accelerator: string): boolean {
    const find = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions | null => {
      for (const item of items) {
        if (item.accelerator === accelerator && item.enabled !== false) return item;
        if (Array.isArray(item.submenu)) {
          const inner = find(item.submenu as MenuItemConstructorOptions[]);
          if (inner) return inner;
        }
      }
      return null;
    };
    const item = find(this.template);
    if (!item?.click) return false;
    const focused = BrowserWindowDouble.getAllWindows()[0];
    item.click(item as unknown as MenuItem, focused as unknown as BaseWindow | undefined, { triggeredByAccelerator: true } as KeyboardEvent);
    return true;
  }
}

// The statics are what the app calls: typed against Electron's own.
MenuDouble satisfies MenuStatics;
