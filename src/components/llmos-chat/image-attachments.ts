/**
 * The image attachments of `<llmos-chat>`: files picked, pasted or dropped become pending images (data
 * URLs, decoded and scaled down by `imageFileToDataUrl`), each removable, sent with the next message.
 * A file that is not a decodable image, or one beyond `MAX_IMAGES`, is refused with a typed error that
 * the host shows in words. Nothing happens while the host does not accept images. @internal
 */
import { InvalidRequestError, type LlmOsError } from '../../errors';
import { imageFileToDataUrl, MAX_IMAGES } from '../../protocol/image-input';

/** What the controller needs of its element. */
export interface AttachmentHost {
  acceptsImages(): boolean;
  /** The pending images (data URLs): a reactive property of the element. */
  images(): string[];
  setImages(images: string[]): void;
  /** Show an error in words (and fire it). */
  refuse(error: unknown): void;
  /** Clear a shown error. */
  clearNotice(): void;
  focusInput(): void;
}

/** @internal */
export class ImageAttachments {
  constructor(private readonly host: AttachmentHost) {}

  /** Attach files (see the module comment); resolves when the accepted ones are pending. */
  async add(files: readonly Blob[]): Promise<void> {
    const h = this.host;
    if (!h.acceptsImages() || !files.length) return;
    h.clearNotice();
    const accepted: string[] = [];
    try {
      if (files.length > MAX_IMAGES - h.images().length) {
        throw new InvalidRequestError(`At most ${MAX_IMAGES} images per message`, { field: 'images', images: h.images().length + files.length });
      }
      for (const [i, f] of files.entries()) accepted.push((await imageFileToDataUrl(f, f instanceof File ? f.name : `image ${i + 1}`)).url);
    } catch (err) {
      h.refuse(err as LlmOsError);
    }
    h.setImages([...h.images(), ...accepted]);
  }

  /** The pending images, taken for sending (none unless images are accepted). */
  take(): string[] {
    const h = this.host;
    const images = h.acceptsImages() ? h.images() : [];
    h.setImages([]);
    return images;
  }

  remove(index: number): void {
    this.host.setImages(this.host.images().filter((_, i) => i !== index));
    this.host.focusInput();
  }

  /** `change` of the file input. */
  readonly onPick = (ev: Event): void => {
    const input = ev.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    void this.add(files);
  };

  /** `paste` in the prompt box: image files on the clipboard are attached, text pastes as usual. */
  readonly onPaste = (ev: ClipboardEvent): void => {
    const files = [...(ev.clipboardData?.files ?? [])].filter((f) => f.type.startsWith('image/'));
    if (!this.host.acceptsImages() || !files.length) return;
    ev.preventDefault();
    void this.add(files);
  };

  /** `dragover` of the form: allow a drop while images are accepted. */
  readonly onDragOver = (ev: DragEvent): void => {
    if (this.host.acceptsImages()) ev.preventDefault();
  };

  /** `drop` on the form. */
  readonly onDrop = (ev: DragEvent): void => {
    const files = [...(ev.dataTransfer?.files ?? [])];
    if (!this.host.acceptsImages() || !files.length) return;
    ev.preventDefault();
    void this.add(files);
  };
}
