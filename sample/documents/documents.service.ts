import { Injectable } from '@nestjs/common';

export interface SampleDocument {
  readonly id: number;
  readonly title: string;
  readonly owner: string;
}

/** An in-memory store, enough to show reads and writes behind different scopes. */
@Injectable()
export class DocumentsService {
  private readonly documents: SampleDocument[] = [{ id: 1, title: 'Welcome', owner: 'sample' }];

  list(): readonly SampleDocument[] {
    return this.documents;
  }

  create(title: string, owner: string): SampleDocument {
    const document = { id: this.documents.length + 1, title, owner };
    this.documents.push(document);
    return document;
  }

  search(term: string, owner?: string): readonly SampleDocument[] {
    const needle = term.toLowerCase();
    return this.documents.filter((doc) => doc.title.toLowerCase().includes(needle) && (!owner || doc.owner === owner));
  }
}
